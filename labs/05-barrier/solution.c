/*
 * Lab 05 reference: the 12 Feb 2002 patch's __free_pages_ok and
 * shrink_cache hunks with the one barrier Hugh asked about: shrink_cache
 * has seen page_count 0; before it believes PageLocked, its flags load must
 * be ordered after that count load (smp_rmb), or on a cpu that reorders
 * loads it can still see a PG_locked the freeing cpu cleared before it
 * dropped the last reference.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	/* TODO 1: your __free_pages_ok hook of lab 02, and any barrier it needs
	 * (the count reached 0 through a value-returning atomic; TryLockPage
	 * is a test-and-set: what do they order already?).
	 */
	/* BEGIN SOLUTION */
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	/* END SOLUTION */
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	/* TODO 2: your shrink_cache hook of lab 02, and the barrier that makes
	 * what it reads of the page's flags at least as new as the count 0
	 * shrink_cache just read.  Put it where it is needed, and nowhere else.
	 */
	/* BEGIN SOLUTION */
	smp_rmb();	/* page_count was 0: now PageLocked */
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	/* END SOLUTION */
	return 0;
}
