/* rejected by: cow-under-reclaim */
/* mistake: releases the page only when it was taken off the LRU */
/*
 * The student thinks the LRU 'keeps' the shared page: while the other sharer
 * still maps it our reference is never dropped (leak; the page outlives both
 * processes).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1) {
		lru_cache_del(old_page);
		page_cache_release(old_page);
	}
}
