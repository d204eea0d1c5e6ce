/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache unlinks every swap-cache page and every count-1 page */
/*
 * A page remove_exclusive_swap_page left in the swap cache is still in use by
 * the cache (and maybe a pin): unlinked, it can never be reclaimed
 * (lru-lost).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (PageSwapCache(page) || page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
