/* right: takes pagemap_lru_lock itself (allowed inside page_table_lock) and uses __lru_cache_del */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1) {
		spin_lock(&pagemap_lru_lock);
		__lru_cache_del(page);
		spin_unlock(&pagemap_lru_lock);
	}
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(page) == 1)
		__lru_cache_del(page);
	spin_unlock(&pagemap_lru_lock);
}
