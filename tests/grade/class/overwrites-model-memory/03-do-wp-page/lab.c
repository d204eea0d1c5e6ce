#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	old_page += 4;
	page_cache_release(old_page);
}
