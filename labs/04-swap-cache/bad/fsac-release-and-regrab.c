/* rejected by: exit-swapped */
/* mistake: free_swap_and_cache hook drops the caller's reference, tests for 0, and takes it back */
/*
 * Dropping the last reference with the page still locked and on the LRU sends
 * it into __free_pages_ok: BUG on PageLocked; past that, get_page on a page at
 * count 0 resurrects a page the allocator may own.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	page_cache_release(page);
	if (page_count(page) == 0)
		lru_cache_del(page);
	page_cache_get(page);
}
