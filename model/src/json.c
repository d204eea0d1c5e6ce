/*
 * The JSON writer behind lrusim --json.  One level of state per nesting
 * depth says whether a comma is due; strings are escaped per RFC 8259.
 */
#include <stdlib.h>

#include "lrulab/json.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void begin(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (++j->depth >= JSON_MAX_DEPTH) {
		fprintf(stderr, "lrusim: JSON nested too deep\n");
		exit(2);
	}
	j->first[j->depth] = true;
	j->close[j->depth] = c == '{' ? '}' : ']';
}

void json_object(struct json *j, const char *key)
{
	begin(j, key, '{');
}

void json_array(struct json *j, const char *key)
{
	begin(j, key, '[');
}

void json_end(struct json *j)
{
	fputc(j->close[j->depth], j->f);
	j->depth--;
	if (!j->depth)
		fputc('\n', j->f);
}

void json_string(struct json *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		put_string(j->f, value);
	else
		fputs("null", j->f);
}

void json_long(struct json *j, const char *key, long value)
{
	member(j, key);
	fprintf(j->f, "%ld", value);
}

void json_double(struct json *j, const char *key, double value)
{
	member(j, key);
	fprintf(j->f, "%.6f", value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
