/* rejected by: two-pages-left */
/* mistake: counts pages left in a static counter instead of marking each page */
/*
 * The counter says "some page was left", not which.  With one page left and
 * another page's count passing through 0 on a second cpu, kswapd meets the
 * in-flight page first, sees left > 0 and frees it: the freeing cpu then finds
 * PG_lru clear and frees it again (double free), and the page really left is
 * never freed when the counter is used up (leak).  The plain int is also
 * updated from irq and from kswapd without atomicity (lost updates on real
 * SMP).  Exposed by two pages at once: p1's last reference dropped by the AIO
 * irq (left, counter 1), then the task's own unmap_kiobuf drops p0's and is
 * preempted before the hook; kswapd meets p0 first (count 0, counter 1),
 * frees it, and the task frees it again.
 */
#include "lab.h"

static int nr_left;

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		nr_left++;
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	if (nr_left > 0) {
		nr_left--;
		page_cache_get(page);
		__lru_cache_del(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
