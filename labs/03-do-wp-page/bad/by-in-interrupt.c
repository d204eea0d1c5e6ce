/* rejected by: cow-sharer-stays */
/* Decides by context instead of by count: do_wp_page is never in an irq. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (!in_interrupt())
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
