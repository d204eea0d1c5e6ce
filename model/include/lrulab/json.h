/*
 * A small JSON writer for lrusim's result (docs/lrusim-json.md): nested
 * objects and arrays with the commas placed for the caller, strings
 * escaped.  The runner reads nothing of lrusim but this.
 */
#ifndef LRULAB_JSON_H
#define LRULAB_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this level */
	char close[JSON_MAX_DEPTH];	/* '}' or ']' */
};

void json_init(struct json *j, FILE *f);
void json_object(struct json *j, const char *key);	/* key NULL in arrays */
void json_array(struct json *j, const char *key);
void json_end(struct json *j);				/* } or ] */
void json_string(struct json *j, const char *key, const char *value);
void json_long(struct json *j, const char *key, long value);
void json_double(struct json *j, const char *key, double value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);

#endif /* LRULAB_JSON_H */
