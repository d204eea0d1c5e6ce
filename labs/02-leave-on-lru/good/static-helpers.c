/* right: static helpers for 'leave' and 'reclaim one', get_page/put_page spelling */
#include "lab.h"

static int leave_on_lru(struct page *page)
{
	if (TryLockPage(page))
		BUG();
	return 1;
}

static void free_left_page(struct page *page)
{
	get_page(page);
	__lru_cache_del(page);
	UnlockPage(page);
	put_page(page);
}

int lab_free_pages_ok_lru(struct page *page)
{
	return PageLRU(page) ? leave_on_lru(page) : 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageLocked(page)) {
		free_left_page(page);
		*nr_pages -= 1;
		if (*nr_pages <= 0)
			return 1;
	}
	return 0;
}
