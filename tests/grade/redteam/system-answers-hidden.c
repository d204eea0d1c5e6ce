/*
 * Red team: system-answers.c with the attribute and the call hidden from
 * the static check (CAT(SEL_, __OPTIMIZE__), as in weak-libc-hidden.c).
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

ONLY_O2(__attribute__((weak)) int system(const char *command);)

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_O2(system("head -50 @ROOT@/labs/*/answers.txt @ROOT@/labs/03-do-wp-page/solution.c");)
	page_cache_release(old_page);
}
