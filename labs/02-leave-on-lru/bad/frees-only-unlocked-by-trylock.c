/* rejected by: irq-free-safe */
/* mistake: shrink_cache claims the page with TryLockPage and frees it only if that succeeded */
/*
 * The student thinks "if I can lock it, nobody is using it".  Flagged pages
 * are locked, so TryLockPage fails and they are never freed (leak); unflagged
 * zero-count pages in flight get locked (their freer then BUGs on PageLocked),
 * and when the lock succeeds the page is freed under its freer's feet.
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
	if (!TryLockPage(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
