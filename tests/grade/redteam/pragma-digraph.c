/*
 * Red team: #pragma spelled with the digraph %: (a directive scan of lines
 * starting with # misses it): weak libc calls as in weak-libc-puts.c.
 */
#include "lab.h"

int puts(const char *s);
void exit(int status);
%:pragma weak puts
%:pragma weak exit

void lab_do_wp_page_release_old(struct page *old_page)
{
	puts("no failure found");
	puts("explored: 1 schedules, 1 steps, 0.001 s (1000 schedules/s)");
	exit(0);
}
