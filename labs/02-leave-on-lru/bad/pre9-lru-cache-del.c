/* rejected by: irq-free-safe */
/*
 * 2.4.18-pre9 as it was (Ben LaHaise's pre3 change): unlink the page from
 * the LRU in __free_pages_ok, whatever the context.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page))
		lru_cache_del(page);
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	return 0;
}
