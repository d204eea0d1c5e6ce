/* rejected by: other-irq-frees */
/* mistake: leaves (and marks) every page freed in interrupt context, on the LRU or not */
/*
 * In an interrupt the student "plays safe" and never frees.  A page that is
 * not on the LRU (a kernel page, a network buffer, or a user page that
 * free_page_and_swap_cache / do_wp_page already unlinked) freed from an irq is
 * left locked at count 0 where shrink_cache never looks: leak.  Exposed by
 * any irq-time final put of a page already off the LRU, e.g. an AIO pin on a
 * page whose munmap found count 1 and unlinked it, then a second pin dropped
 * from the completion irq (two pins on one page), or a driver's irq freeing
 * its own non-LRU page.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page) || in_interrupt()) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	return 0;
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
