/* right: one static helper 'unlink if only one reference left', used by both hooks */
#include "lab.h"

static void unlink_if_sole_user(struct page *page)
{
	if (page_count(page) == 1)
		lru_cache_del(page);
}

void lab_free_page_and_swap_cache_release(struct page *page)
{
	unlink_if_sole_user(page);
	page_cache_release(page);
}

void lab_free_swap_and_cache_deleted(struct page *page)
{
	unlink_if_sole_user(page);
}
