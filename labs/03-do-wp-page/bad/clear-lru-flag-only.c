/* rejected by: cow-under-reclaim */
/* mistake: clears PG_lru with TestClearPageLRU so __free_pages_ok 'sees it off the LRU' */
/*
 * The flag is cleared but the page stays linked on the inactive list: it
 * reaches the free list while still linked (LRU corruption), and shrink_cache
 * later BUGs on a list page without PG_lru.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1)
		TestClearPageLRU(old_page);
	page_cache_release(old_page);
}
