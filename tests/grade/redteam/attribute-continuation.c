/*
 * Red team: __attribute__ spelled across a line continuation: a token scan
 * of physical lines never sees it; weak libc calls as in weak-libc-puts.c.
 */
#include "lab.h"

__attri\
bute__((weak)) int puts(const char *s);
__attri\
bute__((weak)) void exit(int status);

void lab_do_wp_page_release_old(struct page *old_page)
{
	puts("no failure found");
	puts("explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)");
	exit(0);
}
