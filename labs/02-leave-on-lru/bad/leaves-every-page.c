/* rejected by: reclaimed-in-time */
/* mistake: leaves and marks every page, not only those on the LRU */
/*
 * A page that is not on any LRU (already unlinked by do_wp_page or
 * free_page_and_swap_cache, or a kernel page) is left locked with count 0
 * where shrink_cache never looks: it never reaches the free list (leak).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (TryLockPage(page))
		BUG();
	return 1;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
