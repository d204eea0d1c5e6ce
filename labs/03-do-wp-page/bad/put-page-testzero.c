/* rejected by: cow-under-reclaim */
/* mistake: drops the reference with put_page_testzero, taking it for put_page */
/*
 * put_page_testzero only decrements: when it reaches 0 nobody calls
 * __free_pages_ok, so the page never reaches the free list (leak).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	put_page_testzero(old_page);
}
