/* right: adds redundant tests (PageLRU, !PageSwapCache, !in_interrupt) to the count-1 test */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (!in_interrupt() && PageLRU(old_page) && !PageSwapCache(old_page) &&
	    page_count(old_page) == 1)
		lru_cache_del(old_page);
	__free_page(old_page);
}
