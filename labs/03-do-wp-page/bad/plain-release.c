/* rejected by: cow-frees-at-once */
/* 2.4.18-pre9's do_wp_page: just drop the reference; safe, but wasteful. */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_release(old_page);
}
