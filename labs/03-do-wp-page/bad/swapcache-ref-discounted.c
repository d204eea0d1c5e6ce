/* rejected by: cow-swap-cache */
/* mistake: discounts the swap cache's reference: unlinks when page_count - PageSwapCache == 1 */
/*
 * The swap cache's reference is a real user: a swap-cache page must stay on
 * the LRU so shrink_cache can reclaim it.  Exposed by COW on a swap-cache page
 * that cannot be reused (its swap slot also held by another process's swap
 * pte, so exclusive_swap_page fails): count at the hook is ours + the cache's
 * = 2, the mutant unlinks it, and after the release the page sits in the swap
 * cache, count 1, on no LRU: lru-lost, never reclaimable.  No model scenario
 * does COW on a swap-cache page.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) - PageSwapCache(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
