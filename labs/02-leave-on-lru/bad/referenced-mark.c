/* rejected by: irq-free-safe */
/* mistake: uses PG_referenced as the 'left on the LRU' mark */
/*
 * mark_page_accessed sets PG_referenced on any page that was looked up or
 * swapped in (do_swap_page calls it), so the mark is already up on many pages
 * whose count merely passes through 0.  Exposed by put-vs-shrink on a page
 * with PG_referenced set (e.g. one that came in through do_swap_page): cpu0's
 * final put_page takes the count to 0 and is preempted before __free_pages_ok
 * reaches the hook; kswapd sees count 0 + PG_referenced, unlinks and frees it;
 * cpu0 finds PG_lru clear and frees it again: the 7 Feb double free.  (The
 * model never sets PG_referenced, so nothing exposes it now.)
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		SetPageReferenced(page);
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageReferenced(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
