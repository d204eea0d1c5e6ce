/* rejected by: exit-swapped */
/* mistake: one static helper for both hooks that also drops a reference */
/*
 * The helper is right for free_page_and_swap_cache (drop the pte's
 * reference) but in free_swap_and_cache the remaining reference is the
 * caller's: dropping it frees a locked page (BUG), and the caller's release
 * then underflows.
 */
#include "lab.h"

static void drop_last(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_page_and_swap_cache_release(struct page *page)
{
	drop_last(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	drop_last(page);
}
