/*
 * Lab 04 reference: free_page_and_swap_cache and free_swap_and_cache take
 * a count-1 page off the LRU before the last reference goes (the
 * mm/swap_state.c and mm/swapfile.c hunks of the 12 Feb 2002 patch).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	/* TODO 1: drop the pte's reference.  page_table_lock is held, so a
	 * count of 1 cannot be duplicated here.
	 */
	/* BEGIN SOLUTION */
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
	/* END SOLUTION */
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	/* TODO 2: the page has just left the swap cache; the caller still
	 * holds its own reference and will drop it after UnlockPage.
	 */
	/* BEGIN SOLUTION */
	if (page_count(page) == 1)
		lru_cache_del(page);
	/* END SOLUTION */
}
