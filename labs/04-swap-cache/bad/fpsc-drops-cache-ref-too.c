/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache also drops the swap cache's reference when the page is still cached */
/*
 * The swap cache's reference belongs to the cache: dropping it while the page
 * stays in the cache leaves a cached page with one reference too few: the
 * pin's or the cache's later put_page runs on a page already freed (use after
 * free), the swap cache still pointing at it.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (PageSwapCache(page))
		page_cache_release(page);
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
