/* rejected by: cow-sharer-stays */
/* mistake: unlinks first, then puts the page back on the LRU if someone still holds it */
/*
 * Every COW break of a still-shared page takes it off the LRU and re-adds
 * it: an active page loses PG_active and goes to the head of the inactive list
 * (aging destroyed for every page shared after fork), and while it is off the
 * lists reclaim cannot see a page the other sharer maps.  If the sharer exits
 * between the count test and the re-add, the re-added page's last reference
 * is then dropped here in process context and left on the LRU
 * (left_on_lru_task).  Exposed by cow-shared with p0 on the active list (check
 * PG_active survives), or by a checker that an in-use page is never off the
 * LRU when kswapd scans; quiescence checks cannot see it.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	lru_cache_del(old_page);
	if (page_count(old_page) > 1)
		lru_cache_add(old_page);
	page_cache_release(old_page);
}
