/* right: the barrier and the test in a static helper */
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

/* shrink_cache read count 0: were the flags set by __free_pages_ok? */
static int left_by_free(struct page *page)
{
	smp_rmb();
	return PageLocked(page);
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (left_by_free(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
