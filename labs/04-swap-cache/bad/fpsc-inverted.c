/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache unlinks when count > 1 */
/*
 * Backwards: pages still in use (swap cache, pin) are unlinked (lru-lost),
 * the last reference is left on the LRU.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) > 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
