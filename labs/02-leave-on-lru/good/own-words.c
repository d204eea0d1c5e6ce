/* right: the reference logic in other words */
/* The 12 Feb logic written differently from the reference. */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (!PageLRU(page))
		return 0;
	if (TryLockPage(page) != 0)
		BUG();	/* nobody else may hold the lock of a page at count 0 */
	return 1;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (!PageLocked(page))
		return 0;
	get_page(page);
	__lru_cache_del(page);
	UnlockPage(page);
	put_page(page);
	*nr_pages -= 1;
	return *nr_pages == 0;
}
