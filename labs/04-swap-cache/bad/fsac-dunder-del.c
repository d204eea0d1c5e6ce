/* rejected by: exit-swapped */
/* mistake: free_swap_and_cache hook uses __lru_cache_del, 'the page lock is held' */
/*
 * Neither the page lock nor page_table_lock is pagemap_lru_lock: the unlocked
 * list_del races kswapd on the other cpu (LRU corruption).
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
	if (page_count(page) == 1)
		__lru_cache_del(page);
}
