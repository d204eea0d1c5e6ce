#include "lab.h"
static int down(int n)
{
	return n ? down(n + 1) + 1 : 0;
}
void lab_do_wp_page_release_old(struct page *old_page)
{
	if (down(1) == 7)
		page_cache_release(old_page);
}
