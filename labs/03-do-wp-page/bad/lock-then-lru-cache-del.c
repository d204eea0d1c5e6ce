/* rejected by: cow-under-reclaim */
/* mistake: takes pagemap_lru_lock and then calls lru_cache_del */
/*
 * lru_cache_del takes pagemap_lru_lock itself; 2.4 spinlocks do not nest:
 * self-deadlock (a hung fault handler).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	spin_unlock(&pagemap_lru_lock);
	page_cache_release(old_page);
}
