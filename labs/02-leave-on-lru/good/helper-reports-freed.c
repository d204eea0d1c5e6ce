/* right: a static helper that reports whether it freed the page, BUG as the fall-through of the mark */
#include "lab.h"

static int free_if_left(struct page *page)
{
	if (!PageLocked(page))
		return 0;
	page_cache_get(page);
	__lru_cache_del(page);
	UnlockPage(page);
	page_cache_release(page);
	return 1;
}

int lab_free_pages_ok_lru(struct page *page)
{
	if (!PageLRU(page))
		return 0;
	if (!TryLockPage(page))
		return 1;
	BUG();
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (free_if_left(page) && !--*nr_pages)
		return 1;
	return 0;
}
