/* right: takes a temporary reference, tests for count 2, releases both */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_get(old_page);
	if (page_count(old_page) == 2)
		lru_cache_del(old_page);
	page_cache_release(old_page);
	page_cache_release(old_page);
}
