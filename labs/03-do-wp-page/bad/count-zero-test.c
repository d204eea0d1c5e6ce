/* rejected by: cow-frees-at-once */
/* mistake: unlinks when page_count == 0, 'the last reference is gone' */
/*
 * Our own reference is still included in the count, so it is never 0 here:
 * the unlink never happens and the last reference is left on the LRU
 * (left_on_lru_task).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 0)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
