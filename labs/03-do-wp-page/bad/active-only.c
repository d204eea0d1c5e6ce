/* rejected by: cow-frees-at-once */
/* mistake: unlinks the last reference only if the page is on the active list */
/*
 * The student thinks an inactive page is shrink_cache's business anyway.  A
 * COW'd page is usually inactive (new anonymous pages go on the inactive
 * list): it is left on the LRU at count 0 in process context
 * (left_on_lru_task).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1 && PageActive(old_page))
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
