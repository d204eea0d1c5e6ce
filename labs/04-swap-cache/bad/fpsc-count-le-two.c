/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache unlinks when count <= 2 */
/*
 * Count 2 = the pte and one more user (swap cache or pin): unlinked while
 * in use (lru-lost).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) <= 2)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
