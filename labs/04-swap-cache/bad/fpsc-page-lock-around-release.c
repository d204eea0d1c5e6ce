/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache locks the page around test, unlink and release */
/*
 * Releasing the last reference with PG_locked held sends a locked page into
 * __free_pages_ok: BUG.  And when TryLockPage fails (kswapd or a swap-in holds
 * it) the UnlockPage drops someone else's lock.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	TryLockPage(page);
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
	UnlockPage(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
