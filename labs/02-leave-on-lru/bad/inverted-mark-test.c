/* rejected by: irq-free-safe */
/* mistake: frees the zero-count pages that are NOT locked */
/*
 * Exactly backwards: an unlocked zero-count page is one whose freer is still
 * on its way into __free_pages_ok (freed twice: double free), while the pages
 * __free_pages_ok really left, locked, are never freed (leak).
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
	if (!PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
