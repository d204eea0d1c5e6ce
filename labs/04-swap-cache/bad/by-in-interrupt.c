/* rejected by: munmap-swapcache */
/* Decides by context: zap_pte_range always runs in process context. */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (!in_interrupt())
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
