/* rejected by: exit-swapped */
/* mistake: free_swap_and_cache hook takes pagemap_lru_lock and releases it only on the unlink path */
/*
 * When the page is still shared (count 2: a pin or another mapper), the hook
 * returns with pagemap_lru_lock held: kswapd, lru_cache_add and the next
 * lru_cache_del all spin forever (deadlock).
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
	spin_lock(&pagemap_lru_lock);
	if (page_count(page) == 1) {
		__lru_cache_del(page);
		spin_unlock(&pagemap_lru_lock);
	}
}
