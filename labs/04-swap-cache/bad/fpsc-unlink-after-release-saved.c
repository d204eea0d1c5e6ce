/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache decides before the release but unlinks after it */
/*
 * The release already sent the page through __free_pages_ok (left, flagged);
 * unlinking it afterwards strands a locked zero-count page off the LRU (leak)
 * or races kswapd freeing it (use after free).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	int last = page_count(page) == 1;

	page_cache_release(page);
	if (last)
		lru_cache_del(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
