/*
 * Red team: a pragma assembled by token pasting and nothing else wrong:
 * it switches a -Werror warning off (here: an unused static), i.e. a lab.c
 * the two worlds compile differently.  The static check says pragmas are
 * not allowed, also _Pragma.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define PRAGMA(x) CAT(_Pra, gma)(#x)

PRAGMA(GCC diagnostic ignored "-Wunused-variable")
static int never_used;

void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
