/* rejected by: cow-under-reclaim */
/* mistake: locks the page around the test, unlink and release */
/*
 * The page lock is not needed, and the release happens while PG_locked is
 * ours: when it is the last reference, __free_pages_ok BUGs on PageLocked.
 * (If TryLockPage failed, the UnlockPage would also drop someone else's lock.)
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	TryLockPage(old_page);
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
	UnlockPage(old_page);
}
