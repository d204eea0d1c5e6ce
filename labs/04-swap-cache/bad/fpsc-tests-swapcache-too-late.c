/* rejected by: munmap-frees-at-once */
/* mistake: free_page_and_swap_cache unlinks only a count-1 page that is in the swap cache */
/*
 * The student thinks only swap-cache pages need the early unlink.  By the
 * time the hook runs remove_exclusive_swap_page has already taken an exclusive
 * page out of the cache, and a page still in the cache has count >= 2: the
 * test is never true, and every last reference is left on the LRU
 * (left_on_lru_task).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (PageSwapCache(page) && page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
