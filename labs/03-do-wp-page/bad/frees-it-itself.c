/* rejected by: cow-under-reclaim */
/* Frees the last reference itself, then drops do_wp_page's reference too. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1) {
		lru_cache_del(old_page);
		__free_page(old_page);
	}
	page_cache_release(old_page);
}
