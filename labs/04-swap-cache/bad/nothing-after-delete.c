/* rejected by: exit-frees-at-once */
/* Leaves free_swap_and_cache as 2.4.18-pre9 had it; safe, but wasteful. */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
}
