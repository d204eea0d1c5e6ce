/* rejected by: no-double-free */
/*
 * The 7 Feb logic: leave any LRU page for shrink_cache without marking it,
 * and have shrink_cache free every zero-count page it meets.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	return PageLRU(page);
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	page_cache_get(page);
	__lru_cache_del(page);
	page_cache_release(page);
	if (!--*nr_pages)
		return 1;
	return 0;
}
