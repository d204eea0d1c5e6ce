/* rejected by: cow-dirty-frees-at-once */
/* mistake: unlinks the last reference only if the page is not dirty */
/*
 * The student thinks a dirty page must reach shrink_cache to be written out.
 * An anonymous page with no mapping has nothing to write: a dirty one is just
 * left on the LRU at count 0 in process context, for shrink_cache to free
 * later (left_on_lru_task, wasted memory).  Exposed by COW of a page that went
 * through remove_exclusive_swap_page (SetPageDirty), e.g. a page swapped in by
 * a write fault and then shared by fork, the child exiting before the parent
 * writes.  The model's COW pages are never dirty.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1 && !PageDirty(old_page))
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
