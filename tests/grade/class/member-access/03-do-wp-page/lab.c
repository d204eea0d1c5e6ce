#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	if (old_page->index == 0)
		page_cache_release(old_page);
}
