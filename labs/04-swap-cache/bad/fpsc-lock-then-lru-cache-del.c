/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache takes pagemap_lru_lock and calls lru_cache_del inside it */
/*
 * lru_cache_del takes pagemap_lru_lock again: self-deadlock with
 * page_table_lock held (and every fault on this mm stuck behind it).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(page) == 1)
		lru_cache_del(page);
	spin_unlock(&pagemap_lru_lock);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
