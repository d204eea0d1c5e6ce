/*
 * Red team: a hook that never returns and never calls the API, to hold a
 * grading slot for the whole run timeout (60 s per test).  Must be the
 * lab's step-limit failure within seconds (the watchdog counts CPU time).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	for (;;)
		;
}
