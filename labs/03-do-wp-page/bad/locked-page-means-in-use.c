/* rejected by: cow-lock-held */
/* mistake: unlinks only if the page lock can be taken, and returns early without releasing when it cannot */
/*
 * The student copies free_page_and_swap_cache's TryLockPage guard and puts
 * the release inside it: when someone holds the page lock (kswapd's
 * TryLockPage in shrink_cache, a swap-in) the reference is never dropped:
 * leak.  Exposed by a COW break while kswapd holds old_page's lock (a page
 * kswapd tries to reclaim: count 1 with a mapping, e.g. a swap-cache COW);
 * in the model nobody else locks an unmapped anonymous page.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (TryLockPage(old_page))
		return;
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	UnlockPage(old_page);
	page_cache_release(old_page);
}
