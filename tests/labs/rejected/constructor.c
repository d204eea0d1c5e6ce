#include "lab.h"
static void __attribute__((constructor)) early(void)
{
}
void lab_do_wp_page_release_old(struct page *old_page)
{
	page_cache_release(old_page);
}
