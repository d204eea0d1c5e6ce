/* right: count tests written as arithmetic: count - 1 == 0, < 2; __free_page spelling */
#include "lab.h"

void lab_free_page_and_swap_cache_release(struct page *page)
{
	int others = page_count(page) - 1;

	if (!others)
		lru_cache_del(page);
	__free_page(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	if (page_count(page) < 2)
		lru_cache_del(page);
}
