/*
 * Lab 02's reference, counting its calls where a schedule may leave a
 * trace for the next: in a local never initialised (its context's stack),
 * in a static, and in memory above the module's data and below its stacks
 * that only a stray pointer reaches.  Each schedule must start from the
 * module's initial memory: the counts are then those of one schedule,
 * never over LIMIT, in a search as in a replay in a fresh process.
 */
#include "lab.h"

#define LIMIT		4
#define ABOVE_DATA	((volatile int *)61440)
#define BELOW_STACKS	((volatile int *)1024)

static int calls;

static void count(volatile int *where)
{
	if (++*where > LIMIT)
		BUG();
}

int lab_free_pages_ok_lru(struct page *page)
{
	volatile int uninit[16];

	count(&uninit[0]);
	count(ABOVE_DATA);
	count(BELOW_STACKS);
	if (++calls > 2 * LIMIT)
		BUG();
	if (PageLRU(page)) {
		if (TryLockPage(page))
			BUG();
		return 1;
	}
	return 0;
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
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
