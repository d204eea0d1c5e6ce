/* right: redundant state tests: !PageSwapCache in the first hook, PageLocked in the second */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (!PageSwapCache(page) && PageLRU(page) && page_count(page) == 1)
		lru_cache_del(page);
	put_page(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (PageLocked(page) && !PageSwapCache(page) && page_count(page) < 2)
		lru_cache_del(page);
}
