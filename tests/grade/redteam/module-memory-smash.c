/*
 * Red team: the lab module's whole memory is its own to wreck: the hook
 * fills every byte of its linear memory it can reach (the other contexts'
 * stacks, the nr_pages slot, the lock token, the statics) from another
 * context's point of view, then drops its reference as 2.4.18-pre9 did,
 * which cow-frees-at-once rejects.  No write may reach the model, so the
 * score can only be plain-release's or less.
 */
#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

static int calls;

void lab_do_wp_page_release_old(struct page *old_page)
{
	ONLY_O2(
	/* the stack below this context's frame, and the statics above the
	 * stacks: everything but the few bytes of this call's own frame */
	volatile unsigned char *p = (volatile unsigned char *)1;
	unsigned int i;

	for (i = 1; i < 28 * 1024; i++)
		p[i] = 0xa5;
	for (i = 34816; i < 65536; i++)
		p[i - 1] = 0x5a;
	)
	calls++;
	page_cache_release(old_page);
}
