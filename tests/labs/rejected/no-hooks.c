#include "lab.h"
/* the hook's name misspelt: the reference must not be graded in its place */
void lab_do_wp_page_drop(struct page *old_page)
{
	page_cache_release(old_page);
}
