#include "lab.h"
int socket(int d, int t, int p);
void lab_do_wp_page_release_old(struct page *old_page)
{
	socket(2, 1, 0);
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
