/*
 * Red team: implicit void * conversions (no cast in the AST) to write the
 * model's memory: struct page's first field is its count, so *count is
 * page->count.  Here the hook drops its reference by writing the count
 * itself, past every checker, and never frees the page.
 */
#include "lab.h"

void lab_do_wp_page_release_old(struct page *old_page)
{
	void *raw = old_page;
	int *count = raw;

	*count = *count - 1;
}
