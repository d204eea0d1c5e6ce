/*
 * Red team: struct page * made up from integers (hidden from the static
 * check by CAT(SEL_, __OPTIMIZE__)): no handle the model gave, and a host
 * address (mem_map's would be somewhere like this).  Each must be the
 * lab's oops.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_O2(
	page_cache_release((struct page *)0x55555555u);
	old_page = (struct page *)0x40001000u;
	)
	page_cache_release(old_page);
}
