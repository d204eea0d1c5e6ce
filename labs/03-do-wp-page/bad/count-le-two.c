/* rejected by: cow-sharer-stays */
/* mistake: unlinks when page_count <= 2, 'ours plus at most one more' */
/*
 * Count 2 means the other sharer still maps the page: it is taken off the LRU
 * while in use (lru-lost).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) <= 2)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
