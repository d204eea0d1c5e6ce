/* right: early return for the shared case, then unlink and release */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) != 1) {
		page_cache_release(old_page);
		return;
	}
	lru_cache_del(old_page);
	page_cache_release(old_page);
}
