/* rejected by: cow-under-reclaim */
/* mistake: takes pagemap_lru_lock but only releases it on the path that unlinks */
/*
 * When the page is still shared, the function returns holding
 * pagemap_lru_lock: the next taker (kswapd, lru_cache_add on the next fault)
 * spins forever: deadlock.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(old_page) == 1) {
		__lru_cache_del(old_page);
		spin_unlock(&pagemap_lru_lock);
	}
	page_cache_release(old_page);
}
