/*
 * Lab 03 reference: do_wp_page takes a count-1 old page off the LRU before
 * the final release (the mm/memory.c hunk of the 12 Feb 2002 patch).
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	/* TODO 1: drop the reference do_wp_page took on old_page.  If it is
	 * the last one, make sure __free_pages_ok will not have to leave
	 * the page on the LRU.
	 */
	/* BEGIN SOLUTION */
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
	/* END SOLUTION */
}
