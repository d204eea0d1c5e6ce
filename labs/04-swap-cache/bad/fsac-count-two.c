/* rejected by: exit-shared-swap */
/* mistake: free_swap_and_cache hook unlinks at count 2, forgetting the cache's reference is already gone */
/*
 * delete_from_swap_cache has dropped the cache's reference: count 2 is the
 * caller plus another user (pin or pte), unlinked while in use, and the real
 * 'caller only' count 1 is left on the LRU (left_on_lru_task).
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
	if (page_count(page) == 2)
		lru_cache_del(page);
}
