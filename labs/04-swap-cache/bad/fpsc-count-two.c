/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache unlinks at count 2, 'the pte and the swap cache' */
/*
 * Count 2 means someone besides the pte still holds the page (the swap cache
 * when remove_exclusive_swap_page could not remove it, or an I/O pin): it is
 * unlinked while in use (lru-lost), and the real last reference (count 1) is
 * left on the LRU (left_on_lru_task).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 2)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
