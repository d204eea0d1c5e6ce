#include "lab.h"
int model_page_count(struct page *page, const char *where)
{
	return 1;
}
void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_release(old_page);
}
