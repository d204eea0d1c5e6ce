/* rejected by: munmap-swapcache */
/* mistake: free_page_and_swap_cache drops the pte's reference with put_page_testzero */
/*
 * put_page_testzero does not free: the last reference is dropped and the page,
 * unlinked, never reaches the free list (leak).
 */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
	put_page_testzero(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
