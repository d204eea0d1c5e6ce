/* rejected by: exit-shared-swap */
/* mistake: free_swap_and_cache hook always unlinks: 'it just left the swap cache, it is dying' */
/*
 * With swap nearly full, delete_from_swap_cache runs even while others still
 * hold the page (vm_swap_full()): another process that has the page present in
 * its page table (it swapped it in; the slot count held only our pte and the
 * cache) is left mapping a page on no LRU: lru-lost, never reclaimable.
 * Exposed by: swap nearly full, page in the swap cache mapped present by
 * process B, process A (holding the swap entry) exits: free_swap_and_cache
 * finds count = cache + B's pte + caller = 3, deletes (swap full), count 2,
 * the mutant unlinks it.  swap-exit only has a pinned page (count 2), which is
 * freed from the irq anyway, so nothing shows.
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
	lru_cache_del(page);
}
