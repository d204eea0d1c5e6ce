/* rejected by: exit-frees-at-once */
/* mistake: free_swap_and_cache hook unlinks when the count is 0 */
/*
 * The caller's reference is still there, the count is never 0 here: the
 * unlink never happens and the last release is left on the LRU
 * (left_on_lru_task).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 0)
		lru_cache_del(page);
}
