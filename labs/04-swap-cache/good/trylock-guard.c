/* right: first hook only unlinks if it can also take the page lock (skipping is merely wasteful, never unsafe) */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1 && !TryLockPage(page)) {
		lru_cache_del(page);
		UnlockPage(page);
	}
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
