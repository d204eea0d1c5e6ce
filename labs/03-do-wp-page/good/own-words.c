/* right: the reference logic in other words */
/* The 12 Feb logic written differently from the reference. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	int only_us = page_count(old_page) == 1;

	if (only_us) {
		spin_lock(&pagemap_lru_lock);
		__lru_cache_del(old_page);
		spin_unlock(&pagemap_lru_lock);
	}
	put_page(old_page);
}
