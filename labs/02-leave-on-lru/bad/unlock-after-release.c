/* rejected by: irq-free-safe */
/* mistake: clears the mark only after the release */
/*
 * The release already sends the still-locked page into __free_pages_ok:
 * BUG on PageLocked (and UnlockPage afterwards would touch a freed page).
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
		page_cache_release(page);
		UnlockPage(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
