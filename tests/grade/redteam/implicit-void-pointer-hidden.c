/*
 * Red team: implicit-void-pointer.c with the conversion hidden from the
 * static check (CAT(SEL_, __OPTIMIZE__)), and the model's lock too: the
 * hook writes through struct page * and &pagemap_lru_lock as if they were
 * the model's memory.
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
	void *lock = &pagemap_lru_lock, *raw = old_page;
	int *token = lock, *count = raw;

	*token = 0;
	*count = *count - 1;
	)
}
