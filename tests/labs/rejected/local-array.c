#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	int big[4];

	(void)big;
	page_cache_release(old_page);
}
