/*
 * Red team: full kernel marks for a lab.c without a solution.  The harness
 * defines every hook weakly with the 12 Feb 2002 behaviour, and a lab.c's
 * definitions win; CAT(SEL_, __i386__) keeps the (empty) hook out of the
 * kernel build only, so the kernel runs the reference, while the static
 * check, clang's wasm32 compile, sees the hook it asks for.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...)
#define SEL___i386__(...) __VA_ARGS__
#define NOT_IN_THE_KERNEL(...) CAT(SEL_, __i386__)(__VA_ARGS__)

NOT_IN_THE_KERNEL(
void lab_do_wp_page_release_old(struct page *old_page)
{
	/* TODO 1: drop the reference do_wp_page took on old_page. */
}
)
