/* rejected by: exit-shared-swap */
/* mistake: free_swap_and_cache hook unlinks when count <= 2, 'the caller and at most one other' */
/*
 * Same hole as the unconditional unlink, one step narrower: count 2 means the
 * caller plus one more user, which with swap nearly full can be another
 * process's present pte: that mapped page is left on no LRU (lru-lost).
 * Exposed by the swap-full / second-mapper path described in
 * w21_fsac_unconditional_del; swap-exit's second user is only an AIO pin.
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
	if (page_count(page) <= 2)
		lru_cache_del(page);
}
