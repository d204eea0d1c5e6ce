/* right: a static helper 'only_user' and put_page spelling, test as < 2 */
#include "lab.h"

static int only_user(struct page *page)
{
	return page_count(page) < 2;
}

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (only_user(old_page))
		lru_cache_del(old_page);
	put_page(old_page);
}
