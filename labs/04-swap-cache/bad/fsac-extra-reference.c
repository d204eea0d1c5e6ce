/* rejected by: exit-swapped */
/* mistake: free_swap_and_cache hook takes a reference 'for the LRU' after unlinking */
/*
 * The extra reference is never dropped: the page outlives the exit with
 * count 1 and no holder, off the LRU (leak).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1) {
		lru_cache_del(page);
		page_cache_get(page);
	}
}
