/* rejected by: cow-under-reclaim */
/* Unlinks after dropping the reference: the page may be free by then. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	int last = page_count(old_page) == 1;

	page_cache_release(old_page);
	if (last)
		lru_cache_del(old_page);
}
