/* rejected by: cow-sharer-stays */
/* Takes the old page off the LRU whatever its count. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	lru_cache_del(old_page);
	page_cache_release(old_page);
}
