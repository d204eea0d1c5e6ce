/* right: early returns, the stop test folded into the return */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (!PageLRU(page))
		return 0;
	if (TryLockPage(page))
		BUG();
	return 1;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (!PageLocked(page))
		return 0;
	page_cache_get(page);
	__lru_cache_del(page);
	UnlockPage(page);
	page_cache_release(page);
	return --*nr_pages == 0;
}
