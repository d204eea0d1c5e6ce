/* rejected by: cow-frees-at-once */
/* mistake: remembers the last COW'd page in a static slot: 'the second COW break on a page is the last user' */
/*
 * Who breaks COW says nothing about who still maps the page: when the sharer
 * exits instead of writing, the last reference is dropped here with the slot
 * empty, so the page is left on the LRU (left_on_lru_task); when two different
 * pages alternate, or the sharer forked again, the slot unlinks a page that is
 * still mapped (lru-lost).
 */
#include "lab.h"

static struct page *last_cow;

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (last_cow == old_page) {
		last_cow = 0;
		lru_cache_del(old_page);
	} else {
		last_cow = old_page;
	}
	page_cache_release(old_page);
}
