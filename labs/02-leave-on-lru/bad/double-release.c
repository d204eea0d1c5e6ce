/* rejected by: no-double-free */
/* mistake: releases the page twice: once for its own reference and once 'for __free_pages_ok' */
/*
 * Only one reference was taken.  The second page_cache_release runs on a page
 * already on the free list: use after free / refcount underflow, and a page
 * reallocated meanwhile would lose a reference.
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
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
