/* rejected by: cow-under-reclaim */
/* mistake: drops two references, the pte's and its own (hooks.h: 'both dropped here') */
/*
 * The pte's reference was already dropped on the line before the hook.  The
 * extra release takes away the other sharer's reference: the page is freed
 * while still mapped (use after free when it is reallocated), or the count
 * underflows.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 2)
		lru_cache_del(old_page);
	page_cache_release(old_page);
	page_cache_release(old_page);
}
