/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache discounts the swap cache: unlinks when page_count - PageSwapCache == 1 */
/*
 * When remove_exclusive_swap_page could not take the page out of the cache
 * (page lock busy, or the slot still used by another process's swap pte, or
 * the page pinned at the time), count 2 is the pte plus the cache: the page is
 * unlinked while it stays in the swap cache, and shrink_cache can never
 * reclaim it (lru-lost).  Exposed in swapcache-munmap if the AIO irq drops
 * p0's pin between remove_exclusive_swap_page (count 3: refuses) and the
 * hook (count 2, 2 - 1 == 1), or by any cached page whose slot is shared.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) - PageSwapCache(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
