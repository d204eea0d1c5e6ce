/*
 * Red team: directives the static check never sees.  @CR@ is a bare
 * carriage return (written by the test): a line end for clang, not for the
 * directive scan, which splits on \n only.  So a conditional picks what
 * each world compiles (here: the model gets the reference, any other
 * compiler the 2.4.18-pre9 release that cow-frees-at-once rejects), and a
 * pragma switches a -Werror warning off.
 */
#include "lab.h"
#define PRAGMA_NEXT@CR@#pragma GCC diagnostic ignored "-Wunused-variable"
static int never_used;

void lab_do_wp_page_release_old(struct page *old_page)
{
	(void)0;@CR@#ifdef __wasm__
	if (page_count(old_page) == 1)
		lru_cache_del(old_page);
	(void)0;@CR@#endif
	page_cache_release(old_page);
}
