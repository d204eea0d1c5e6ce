/* right: returns 1 only when TryLockPage succeeded (it always does here), else falls through to the PageLRU BUG */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page) && !TryLockPage(page))
		return 1;
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (!PageLocked(page))
		return 0;
	page_cache_get(page);
	__lru_cache_del(page);
	UnlockPage(page);
	page_cache_release(page);
	if (*nr_pages > 1) {
		--*nr_pages;
		return 0;
	}
	*nr_pages = 0;
	return 1;
}
