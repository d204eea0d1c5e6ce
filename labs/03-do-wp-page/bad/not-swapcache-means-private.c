/* rejected by: cow-sharer-stays */
/* mistake: unlinks any page not in the swap cache, 'anonymous and uncached, so about to die' */
/*
 * Not being cached says nothing about other users: the forked sharer still
 * maps it (lru-lost).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (!PageSwapCache(old_page))
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
