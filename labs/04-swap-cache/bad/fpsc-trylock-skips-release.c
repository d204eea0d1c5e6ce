/* rejected by: munmap-page-locked */
/* mistake: free_page_and_swap_cache takes the page lock for the test and returns early, without releasing, when the lock is busy */
/*
 * The pte's reference must be dropped whatever the lock says.  When another
 * path holds PG_locked (a second process's do_swap_page on the same swap-cache
 * page, swap writeout, try_to_unuse), the zap leaks the pte's reference: the
 * page is never freed (leak).  Exposed by munmap of a swap-cache page while
 * another context holds its page lock; in the lab's scenarios no one holds
 * the lock of a page being unmapped when the hook runs.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (TryLockPage(page))
		return;
	if (page_count(page) == 1)
		lru_cache_del(page);
	UnlockPage(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
