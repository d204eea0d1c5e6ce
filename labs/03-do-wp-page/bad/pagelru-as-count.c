/* rejected by: cow-under-reclaim */
/* mistake: uses !PageLRU to mean 'nobody else can find it' and frees only then; otherwise drops nothing */
/*
 * The student reads "reclaim must still find a page that is in use" as "if
 * it is on the LRU, it is in use": the reference is only dropped for pages
 * already off the LRU, so a COW'd page on the LRU keeps our reference for ever
 * (leak).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (!PageLRU(old_page))
		page_cache_release(old_page);
	else if (page_count(old_page) == 1) {
		lru_cache_del(old_page);
		page_cache_release(old_page);
	}
}
