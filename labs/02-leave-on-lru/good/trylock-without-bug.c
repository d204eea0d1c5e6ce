/* right: sets the mark with TryLockPage without the BUG (the checks before guarantee it was clear); redundant state tests */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	int on_lru = PageLRU(page) || PageActive(page);

	if (on_lru)
		TryLockPage(page);
	return on_lru;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	int stop = 0;

	if (page_count(page) == 0 && PageLRU(page) && PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		(*nr_pages)--;
		stop = *nr_pages == 0;
	}
	return stop;
}
