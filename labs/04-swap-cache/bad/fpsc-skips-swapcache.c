/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache returns early for a page still in the swap cache, 'the cache will free it' */
/*
 * The early return skips the release of the pte's reference: a page
 * remove_exclusive_swap_page left in the cache keeps one reference too many
 * and is never freed (leak).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (PageSwapCache(page))
		return;
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
