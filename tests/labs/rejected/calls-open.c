#include "lab.h"
int open(const char *, int, ...);
void lab_do_wp_page_release_old(struct page *old_page)
{
	open("results.json", 0101);
	page_cache_release(old_page);
}
