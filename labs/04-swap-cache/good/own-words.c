/* right: the reference logic in other words */
/* The 12 Feb logic written differently from the reference. */
#include "lab.h"

static void unlink_if_last(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}

void lab_free_page_and_swap_cache_release(struct page *page)
{
	unlink_if_last(page);
	put_page(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	unlink_if_last(page);
}
