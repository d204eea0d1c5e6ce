/* rejected by: irq-free-safe */
/* mistake: clears PG_lru without unlinking, so __free_pages_ok 'sees it off the LRU' and frees it */
/*
 * The page is still linked on the inactive list when it goes to the free
 * lists: shrink_cache later walks onto a free page with PG_lru clear (BUG in
 * shrink_cache, LRU corruption, use after free when it is reallocated).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (TestClearPageLRU(page))
		return 0;
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
