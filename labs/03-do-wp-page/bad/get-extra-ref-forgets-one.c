/* rejected by: cow-under-reclaim */
/* mistake: takes a reference to 'stabilise' the count, tests == 2, but releases only once */
/*
 * The extra reference is never dropped: every COW'd old page keeps one
 * reference too many and is never freed (leak).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_get(old_page);
	if (page_count(old_page) == 2)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
