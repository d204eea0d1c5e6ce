/* rejected by: exit-swapped */
/* mistake: free_swap_and_cache hook unlocks the page before unlinking it */
/*
 * The page lock is the caller's: the caller's own UnlockPage then finds
 * PG_locked clear (unlock_page BUG), and in between the page is unlocked at
 * count 1 with PG_lru set, exactly what shrink_cache's zero-count test relies
 * on never to see stale.
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
		UnlockPage(page);
		lru_cache_del(page);
	}
}
