/*
 * Red team: _Pragma assembled by token pasting (the directive check looks
 * for the word _Pragma): #pragma weak makes the libc symbols weak, so the
 * calls link wherever libc is there to call.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define PRAGMA(x) CAT(_Pra, gma)(#x)

int puts(const char *s);
void exit(int status);
PRAGMA(weak puts)
PRAGMA(weak exit)

void lab_do_wp_page_release_old(struct page *old_page)
{
	puts("no failure found");
	puts("explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)");
	exit(0);
}
