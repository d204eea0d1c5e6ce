/* right: tests, unlinks and releases all under pagemap_lru_lock (__free_pages_ok never takes it now) */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	spin_lock(&pagemap_lru_lock);
	if (page_count(old_page) == 1)
		__lru_cache_del(old_page);
	page_cache_release(old_page);
	spin_unlock(&pagemap_lru_lock);
}
