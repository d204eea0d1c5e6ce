/*
 * Red team: weak undefined libc symbols (the spelling __attribute, without
 * the trailing underscores) to print the summary lines the old runner
 * parsed, then exit 0 before any checker runs.  No solution at all.
 */
#include "lab.h"

__attribute((weak)) int puts(const char *s);
__attribute((weak)) void exit(int status);

void lab_do_wp_page_release_old(struct page *old_page)
{
	puts("no failure found");
	puts("explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)");
	exit(0);
}
