/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache unlinks the last reference and returns without releasing it */
/*
 * The pte's reference is never dropped: count 1, no holder, off the LRU:
 * leak.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1) {
		lru_cache_del(page);
		return;
	}
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
