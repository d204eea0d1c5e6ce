/* rejected by: irq-free-safe */
/* mistake: uses PG_active as the mark */
/*
 * PG_active says which LRU list the page is on: setting it on a page that
 * sits on the inactive list corrupts the lists' invariants (shrink_cache BUGs
 * on PageActive for an inactive-list page, __lru_cache_del decrements the
 * wrong counter).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		SetPageActive(page);
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageActive(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
