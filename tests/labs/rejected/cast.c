#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	int *raw = (int *)old_page;

	*raw = 0;
	page_cache_release(old_page);
}
