/* rejected by: cow-sharer-stays */
/* Counts the reference that is about to go: tests for 2 instead of 1. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 2)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
