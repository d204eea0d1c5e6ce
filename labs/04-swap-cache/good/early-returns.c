/* right: early returns in both hooks */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) != 1) {
		page_cache_release(page);
		return;
	}
	lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) != 1)
		return;
	lru_cache_del(page);
}
