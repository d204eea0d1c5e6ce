/* rejected by: cow-frees-at-once */
/* mistake: unlinks only when in_interrupt(), 'that is when __free_pages_ok cannot' */
/*
 * do_wp_page is a fault handler, never in an interrupt: the unlink never
 * happens, and the last reference is always left on the LRU for shrink_cache
 * (left_on_lru_task), the waste the hunk exists to remove.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (in_interrupt() && page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
