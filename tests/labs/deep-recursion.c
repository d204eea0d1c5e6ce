/* Recursion deep enough to run off a coroutine stack: must crash, not corrupt. */
#include "lab.h"

static int depth(struct page *page, int n)
{
	if (n == 0)
		return page_count(page);
	return depth(page, n - 1) + page_count(page);
}

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (depth(old_page, 1000000) > 0)
		page_cache_release(old_page);
}
