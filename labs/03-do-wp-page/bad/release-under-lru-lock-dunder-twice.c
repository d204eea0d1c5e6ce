/* rejected by: cow-under-reclaim */
/* mistake: unlinks under pagemap_lru_lock, then unlinks again with lru_cache_del 'to be sure' */
/*
 * The second call takes pagemap_lru_lock while this context already holds
 * it: self-deadlock on the count-1 path.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(old_page) == 1) {
		__lru_cache_del(old_page);
		lru_cache_del(old_page);
	}
	spin_unlock(&pagemap_lru_lock);
	page_cache_release(old_page);
}
