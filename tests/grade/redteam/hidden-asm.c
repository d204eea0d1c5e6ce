/*
 * Red team: asm the static check never sees.  clang's AST is dumped without
 * -O2 and the module is compiled with it, so __OPTIMIZE__ (1 in one, an
 * undefined name in the other) picks code through CAT(SEL_, __OPTIMIZE__);
 * no #if needed.  The reference solution otherwise.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_O2(__asm__ volatile("nop");)
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
