/*
 * Red team: traps in the module, in plain C the static check lets through:
 * a division by in_interrupt() (0 in process context) and a call through
 * a null function pointer.  Each must be the lab's oops, never the model's.
 */
#include "lab.h"

static void (*release)(struct page *page);

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) / in_interrupt())
		release(old_page);
	release(old_page);
}
