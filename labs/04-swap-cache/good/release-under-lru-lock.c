/* right: first hook tests, unlinks and releases under pagemap_lru_lock (__free_pages_ok never takes it) */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(page) == 1)
		__lru_cache_del(page);
	page_cache_release(page);
	spin_unlock(&pagemap_lru_lock);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	int sole = page_count(page) == 1;

	if (sole)
		lru_cache_del(page);
}
