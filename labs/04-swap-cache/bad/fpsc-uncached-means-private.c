/* rejected by: munmap-after-fork */
/* mistake: free_page_and_swap_cache unlinks every page that is no longer in the swap cache */
/*
 * 'Out of the swap cache' is not 'unused': an anonymous page never swapped,
 * or one that left the cache, can still be mapped by a forked sharer or pinned.
 * Exposed by munmap/exit of one fork sharer of an anonymous page while the
 * other keeps it mapped: the survivor's page is on no LRU (lru-lost).  In the
 * lab's scenarios every page out of the cache at this point has count 1.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (!PageSwapCache(page))
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
