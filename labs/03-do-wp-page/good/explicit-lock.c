/* right: takes pagemap_lru_lock itself and uses __lru_cache_del */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1) {
		spin_lock(&pagemap_lru_lock);
		__lru_cache_del(old_page);
		spin_unlock(&pagemap_lru_lock);
	}
	page_cache_release(old_page);
}
