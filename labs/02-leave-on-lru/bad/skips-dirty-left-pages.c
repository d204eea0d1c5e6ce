/* rejected by: dirty-leftover */
/* mistake: frees a flagged page only if it is clean, 'dirty pages must be written back first' */
/*
 * A page left by __free_pages_ok has no mapping and no buffers: there is
 * nothing to write, PG_dirty is just left over (free_swap_and_cache and
 * remove_exclusive_swap_page set it; __free_pages_ok clears it only when it
 * really frees).  A dirty flagged page is never freed: leak.  Exposed by
 * swap-exit: p0, pinned by AIO, leaves the swap cache (swap full) and gets
 * SetPageDirty; the AIO irq drops the last reference, the page is left dirty
 * and locked, and no shrink_cache pass ever frees it.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageLocked(page) && !PageDirty(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
