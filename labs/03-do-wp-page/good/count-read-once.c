/* right: reads the count once into a local, switch on it */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	int count = page_count(old_page);

	switch (count) {
	case 1:
		lru_cache_del(old_page);
		break;
	default:
		break;
	}
	page_cache_release(old_page);
}
