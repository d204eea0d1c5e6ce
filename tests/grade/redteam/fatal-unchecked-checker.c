/*
 * Red team (lab 02): a fatal failure on a checker the test does not enable.
 * shrink_cache frees any zero-count page, flagged or not (as
 * bad/ignores-flag.c), so the page is freed twice in every scenario; the
 * tests shrink-cache-locking (lru-corruption) and counts-nr-pages
 * (nr-pages) do not check double-free, and on the old grader the fatal
 * failure stopped each run as a pass, before the quiescence checks.
 */
#include "lab.h"

int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	TryLockPage(page);
	page_cache_get(page);
	__lru_cache_del(page);
	UnlockPage(page);
	page_cache_release(page);
	if (!--*nr_pages)
		return 1;
	return 0;
}
