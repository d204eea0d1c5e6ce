/*
 * Red team: the weak libc calls of weak-libc-puts.c, hidden from the static
 * check: __OPTIMIZE__ is defined in the -O2 compile of the module but not
 * in the compile whose AST is checked, so CAT(SEL_, __OPTIMIZE__) keeps
 * the attributes and calls only where the check never looks.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

ONLY_O2(
__attribute__((weak)) int puts(const char *s);
__attribute__((weak)) void exit(int status);
)

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_O2(
	puts("{\"schema\":\"lrulab.lrusim.result\",\"version\":1,\"variant\":\"student\","
	     "\"scenario\":\"cow-reclaim\",\"strategies\":[{\"strategy\":\"dfs:2\","
	     "\"schedules\":1,\"seconds\":0}],\"failure\":null,\"counters\":{}}");
	puts("no failure found");
	puts("explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)");
	exit(0);
	)
}
