/* rejected by: cow-under-reclaim */
/* mistake: unlinks on count 1, then BUGs if the page is still on the LRU 'to be sure' */
/*
 * A debugging check that is wrong: when the count is 2 (the sharer still
 * maps the page) the page is rightly still on the LRU, and when the sharer
 * exits between the test and the check, the page is left too; either way
 * this BUG fires on a correct kernel state.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	else if (PageLRU(old_page) && page_count(old_page) != 1)
		BUG();
	page_cache_release(old_page);
}
