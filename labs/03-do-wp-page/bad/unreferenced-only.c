/* rejected by: cow-frees-at-once */
/* mistake: unlinks the last reference only if PG_referenced is clear, 'recently used pages should age on the LRU' */
/*
 * A page with no users left has nothing to age: with PG_referenced set (any
 * page mark_page_accessed touched, e.g. swapped in through do_swap_page) it is
 * left on the LRU at count 0 in process context (left_on_lru_task).  Exposed
 * by a COW break, other sharer gone, on a page with PG_referenced set; the
 * model never sets PG_referenced.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1 && !PageReferenced(old_page))
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
