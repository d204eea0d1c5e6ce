#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	struct page *neighbour = old_page - 3;

	page_cache_release(neighbour);
}
