#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	__asm__ volatile("nop");
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
