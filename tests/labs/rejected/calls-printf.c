#include "lab.h"
int printf(const char *, ...);
void lab_do_wp_page_release_old(struct page *old_page)
{
	printf("PASS\n");
	page_cache_release(old_page);
}
