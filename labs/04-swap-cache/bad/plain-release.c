/* rejected by: munmap-frees-at-once */
/* 2.4.18-pre9: just drop the reference, never unlink; safe, but wasteful. */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}
