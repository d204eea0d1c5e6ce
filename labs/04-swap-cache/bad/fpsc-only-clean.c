/* rejected by: munmap-frees-at-once */
/* mistake: free_page_and_swap_cache unlinks the last reference only if the page is clean */
/*
 * The student thinks a dirty page still needs writing out.  Every page that
 * just left the swap cache through remove_exclusive_swap_page is dirty, so its
 * last reference is left on the LRU (left_on_lru_task), the waste the hunk
 * exists to remove.
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (!PageDirty(page) && page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
