/* rejected by: two-pages-left */
/* mistake: remembers the page left in one static 'last page' slot instead of a per-page mark */
/*
 * One slot holds one page.  When two pages are left before shrink_cache runs
 * (two AIO completions, or bttv freeing several frames from one irq), the
 * second overwrites the first, and the first stays on the LRU with count 0
 * forever (leak, and a zero-count page shrink_cache skips on every scan).  The
 * slot is also written from irq and read by kswapd on another cpu with no
 * ordering at all.  Exposed by two pages left at interrupt time before one
 * shrink_cache pass.
 */
#include "lab.h"

static struct page *left_page;

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		left_page = page;
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (page == left_page) {
		left_page = 0;
		page_cache_get(page);
		__lru_cache_del(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
