/*
 * Reclaim (mm/vmscan.c shrink_cache) and 2.4's deferred-work queue
 * (kernel/context.c schedule_task, run by keventd).  shrink_cache scans the
 * inactive list from its tail under pagemap_lru_lock: zero-count pages go
 * to the variant's hook (the spot of the 12 Feb hunk), clean swap cache
 * pages that only the cache holds are reclaimed, mapped pages are skipped
 * (the swap_out() path that would unmap them is not modelled).
 */
#include "lrulab/mm.h"
#include "lrulab/sim.h"

unsigned long lru_lock(const char *where);
void lru_unlock(unsigned long flags, const char *where);
void lru_rotate_inactive(struct page *page, const char *where);
struct page *lru_inactive_tail(void);

#define MAX_TASKS	8

static void (*task_queue[MAX_TASKS])(void);
static int nr_tasks;
static spinlock_t tqueue_lock = SPIN_LOCK_UNLOCKED("tqueue_lock");

void mm_reset_tasks(void)
{
	nr_tasks = 0;
	tqueue_lock = (spinlock_t)SPIN_LOCK_UNLOCKED("tqueue_lock");
}

/* kernel/context.c schedule_task(): queue work for keventd; irq safe */
void schedule_task(void (*fn)(void))
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&tqueue_lock, flags);
	for (i = 0; i < nr_tasks; i++)
		if (task_queue[i] == fn)
			break;
	if (i == nr_tasks && nr_tasks < MAX_TASKS)
		task_queue[nr_tasks++] = fn;
	spin_unlock_irqrestore(&tqueue_lock, flags);
}

/* kernel/context.c context_thread(): keventd runs the queued work */
void run_task_queue(void)
{
	unsigned long flags;

	for (;;) {
		void (*fn)(void) = NULL;
		int i;

		spin_lock_irqsave(&tqueue_lock, flags);
		if (nr_tasks) {
			fn = task_queue[0];
			for (i = 1; i < nr_tasks; i++)
				task_queue[i - 1] = task_queue[i];
			nr_tasks--;
		}
		spin_unlock_irqrestore(&tqueue_lock, flags);
		if (!fn)
			return;
		fn();
	}
}

/* mm/vmscan.c is_page_cache_freeable(): only the cache holds it */
static int is_page_cache_freeable(struct page *page)
{
	return page_count(page) - !!page->buffers == 1;
}

/*
 * What shrink_cache() returns is what its caller (shrink_caches, then
 * try_to_free_pages) believes is still to be freed: it must match what the
 * scan freed, and never go below zero (the scan stops at nr_pages == 0).
 * Only frees done by this context count: an interrupt's are its own.
 */
static int current_freed(void)
{
	struct sim_ctx *c = sim_current();

	return c ? c->freed : 0;
}

static void check_reclaim_accounting(int asked, int left, int freed)
{
	if (left < 0 || left != asked - freed)
		sim_fail(CHK_NR_PAGES, NULL, -1,
			 "shrink_cache was asked for %d pages, freed %d, but "
			 "returns %d still wanted", asked, freed, left);
}

/* mm/vmscan.c shrink_cache(), for one zone; returns pages still wanted */
int shrink_cache(int nr_pages, int priority)
{
	int max_scan = nr_inactive_pages / priority;
	int asked = nr_pages, freed_before = current_freed();
	unsigned long flags = lru_lock(__func__);
	struct page *page;

	while (--max_scan >= 0 && (page = lru_inactive_tail())) {
		unsigned long entry;

		if (!PageLRU(page))
			BUG();
		if (PageActive(page))
			BUG();
		lru_rotate_inactive(page, __func__);

		if (!page_count(page)) {
			int stop = variant->shrink_cache_zero_count(page,
								    &nr_pages);

			if (page->free)
				mm_counters.reclaimed_zero_count++;
			if (stop)
				break;
			continue;
		}

		/* Racy check to avoid trylocking when not worthwhile */
		if (!page->buffers && (page_count(page) != 1 || !page->mapping))
			continue;	/* page_mapped: swap_out() not modelled */

		if (TryLockPage(page))
			continue;

		spin_lock(&pagecache_lock);
		/* this is the non-racy check for busy page */
		if (!page->mapping || !is_page_cache_freeable(page)) {
			spin_unlock(&pagecache_lock);
			UnlockPage(page);
			continue;
		}
		if (PageDirty(page)) {
			spin_unlock(&pagecache_lock);
			UnlockPage(page);
			continue;
		}
		/* point of no return: only swap cache pages in this model */
		entry = page->index;
		__delete_from_swap_cache(page);
		spin_unlock(&pagecache_lock);
		swap_free(entry);

		__lru_cache_del(page);
		UnlockPage(page);

		/* effectively free the page here */
		page_cache_release(page);
		mm_counters.reclaimed_swap_cache++;
		if (--nr_pages)
			continue;
		break;
	}
	lru_unlock(flags, __func__);
	check_reclaim_accounting(asked, nr_pages,
				 current_freed() - freed_before);
	return nr_pages;
}
