/* rejected by: munmap-after-fork */
/* mistake: free_page_and_swap_cache unlinks any page out of the swap cache with count <= 2, 'the pte plus an I/O pin that will drop at irq time' */
/*
 * The student wants to spare the irq-time free the leftover path, so unlinks
 * when the only other holder 'must be' a pin.  But count 2 on a page not in
 * the swap cache is just as often another process's pte (fork): zap by the
 * child unlinks a page the parent still maps, which reclaim can then never
 * find (lru-lost).  Exposed by munmap/exit of one of two fork sharers of an
 * anonymous page (count = two ptes); the lab's scenarios only unmap pages
 * that are swap-cached or count 1 once out of the cache.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (!PageSwapCache(page) && page_count(page) <= 2)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
