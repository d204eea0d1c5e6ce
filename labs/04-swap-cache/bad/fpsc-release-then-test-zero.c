/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache releases first, then unlinks if the count reached 0 */
/*
 * After the release the page is no longer ours: __free_pages_ok has already
 * left it flagged on the LRU (left_on_lru_task), and lru_cache_del then
 * strands a locked zero-count page off the LRU (leak) or touches a page
 * kswapd has already freed (use after free).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	page_cache_release(page);
	if (page_count(page) == 0)
		lru_cache_del(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
