/* rejected by: private-frees-at-once */
/* mistake: free_page_and_swap_cache unlinks the last reference only if PG_dirty is set ('it came out of the swap cache') */
/*
 * The student uses remove_exclusive_swap_page's SetPageDirty as the sign the
 * page is dying.  A plain anonymous page that was never in swap is clean: its
 * last reference, dropped here in process context, is left on the LRU for
 * shrink_cache (left_on_lru_task) on every munmap/exit of ordinary anonymous
 * memory.  Exposed by unmapping a never-swapped anonymous page (aio-munmap's
 * p0 when the AIO irq ran first, or any exit): the lab's own scenarios only
 * unmap swap-cache pages, which remove_exclusive_swap_page always dirties.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (PageDirty(page) && page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
