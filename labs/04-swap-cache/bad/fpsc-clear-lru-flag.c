/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache clears PG_lru instead of unlinking */
/*
 * The page stays linked on the inactive list while it goes to the free list:
 * LRU corruption, and shrink_cache BUGs on a list page without PG_lru.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1)
		TestClearPageLRU(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
