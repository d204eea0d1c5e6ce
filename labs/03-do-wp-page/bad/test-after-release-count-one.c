/* rejected by: cow-under-reclaim */
/* mistake: releases first, then unlinks if the count left is 1 */
/*
 * After our release, count 1 is the other sharer's pte: the page is unlinked
 * while still mapped (lru-lost); and when our release was the last one the page
 * is already freed, or left on the LRU by __free_pages_ok.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_release(old_page);
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
}
