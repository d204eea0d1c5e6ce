#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	old_page->count.counter = 1;
	page_cache_release(old_page);
}
