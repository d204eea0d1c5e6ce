/* rejected by: exit-frees-at-once */
/* mistake: free_swap_and_cache hook unlinks only if the page is in the swap cache and count 1 */
/*
 * delete_from_swap_cache has just taken the page out of the cache:
 * PageSwapCache is always false here, so nothing is ever unlinked and the last
 * release is left on the LRU (left_on_lru_task).
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
	if (PageSwapCache(page) && page_count(page) == 1)
		lru_cache_del(page);
}
