/* right: decides by in_interrupt(): unlinks in process context, leaves only irq frees */
/*
 * Hugh's own alternative of 12 Feb 2002 ("deciding what to do with a PageLRU
 * page in __free_pages_ok, based on whether in_interrupt() or not: feels
 * wrong; but would make a smaller patch, if you prefer for 2.4.18, Marcelo",
 * <Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain>).  It takes
 * pagemap_lru_lock in __free_pages_ok in process context, which his patch
 * avoids on principle, but no 2.4.18-pre9 path drops the last reference to a
 * page still on the LRU while holding that lock (shrink_cache unlinks first),
 * so nothing breaks: it keeps full marks.  2.4.27 does the same in process
 * context (the defer-2427 variant).
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (!in_interrupt()) {
			lru_cache_del(page);
			return 0;
		}
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
