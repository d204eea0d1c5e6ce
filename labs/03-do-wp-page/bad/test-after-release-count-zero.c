/* rejected by: cow-under-reclaim */
/* mistake: releases first, then unlinks the page if its count reached 0 */
/*
 * Once our reference is gone the page is not ours: __free_pages_ok has
 * already left it on the LRU, flagged (left_on_lru_task), and lru_cache_del
 * then takes a locked zero-count page off the LRU where shrink_cache will never
 * free it (leak); if kswapd freed it first, lru_cache_del touches a free,
 * maybe reallocated page (use after free).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_release(old_page);
	if (page_count(old_page) == 0 && PageLRU(old_page))
		lru_cache_del(old_page);
}
