/* rejected by: cow-sharer-stays */
/* mistake: unlinks when page_count > 1 instead of == 1 */
/*
 * Backwards: a page still shared is unlinked (lru-lost), the last reference is
 * left on the LRU.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) > 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
