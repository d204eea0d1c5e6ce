/* rejected by: cow-under-reclaim */
/* mistake: on the last reference unlinks and returns, forgetting the release */
/*
 * The page is taken off the LRU but our reference is never dropped: count 1
 * with no holder, off the LRU: leak.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1) {
		lru_cache_del(old_page);
		return;
	}
	page_cache_release(old_page);
}
