/* rejected by: exit-swapped */
/* mistake: free_swap_and_cache hook unlinks at count 1 and releases the page itself */
/*
 * The remaining reference is the caller's, which it drops after UnlockPage:
 * releasing it here frees a locked page (BUG in __free_pages_ok), and the
 * caller's own release then underflows / touches a free page.
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
	if (page_count(page) == 1) {
		lru_cache_del(page);
		page_cache_release(page);
	}
}
