/* rejected by: munmap-swapcache */
/* Takes the page off the LRU even while the swap cache or a pin holds it. */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
