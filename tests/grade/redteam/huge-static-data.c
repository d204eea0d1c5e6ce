/*
 * Red team: 40 KB of statics, more than the lab module's memory holds (an
 * array hidden from the static check by CAT(SEL_, __OPTIMIZE__)).  Must be
 * rejected with a one-line reason.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

ONLY_O2(static volatile long long big[5000];)

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_O2(big[page_count(old_page)] = 1;)
	page_cache_release(old_page);
}
