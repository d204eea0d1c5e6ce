/* right: takes the reference and clears the mark under the lock, then drops the lock to use lru_cache_del */
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
	if (PageLocked(page)) {
		page_cache_get(page);
		UnlockPage(page);
		spin_unlock(&pagemap_lru_lock);
		lru_cache_del(page);
		page_cache_release(page);
		spin_lock(&pagemap_lru_lock);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
