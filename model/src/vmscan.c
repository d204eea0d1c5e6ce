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

static int current_freed(void)
{
	struct sim_ctx *c = sim_current();

	return c ? c->freed : 0;
}

/*
 * The zero-count hook, with its accounting checked: every page it frees
 * counts against nr_pages (shrink_caches and try_to_free_pages believe
 * what shrink_cache returns), and the scan stops when, and only when,
 * nr_pages reaches 0.
 */
static int zero_count_hook(struct page *page, int *nr_pages)
{
	int before = *nr_pages, freed = current_freed(), stop;

	stop = call_lab_shrink_cache_zero_count(page, nr_pages);
	freed = current_freed() - freed;
	if (freed)
		mm_counters.reclaimed_zero_count += freed;
	if (before - *nr_pages != freed)
		sim_fail(CHK_NR_PAGES, page, -1,
			 "shrink_cache freed %d zero-count page%s (p%d) but "
			 "nr_pages went from %d to %d", freed,
			 freed == 1 ? "" : "s", page->id, before, *nr_pages);
	else if (*nr_pages <= 0 && !stop)
		sim_fail(CHK_NR_PAGES, page, -1,
			 "shrink_cache goes on scanning after nr_pages reached "
			 "%d", *nr_pages);
	else if (*nr_pages > 0 && stop)
		sim_fail(CHK_NR_PAGES, page, -1,
			 "shrink_cache stops scanning with %d page%s still wanted",
			 *nr_pages, *nr_pages == 1 ? "" : "s");
	return stop;
}

/*
 * Reclaim a clean swap cache page that only the cache and we hold: page
 * locked by the caller, pagemap_lru_lock not held.  2.5.32 shape.
 */
static int reclaim_swap_cache_page(struct page *page)
{
	unsigned long entry;

	spin_lock(&pagecache_lock);
	if (!PageSwapCache(page) || page_count(page) - !!page->buffers != 2 ||
	    PageDirty(page)) {
		spin_unlock(&pagecache_lock);
		return 0;
	}
	entry = page->index;
	__delete_from_swap_cache(page);
	spin_unlock(&pagecache_lock);
	swap_free(entry);
	page_cache_release(page);	/* the cache's reference */
	return 1;
}

/*
 * mm/vmscan.c shrink_cache() as 2.5.32 reshaped it around an irq-safe
 * pagemap_lru_lock: nothing else is locked while it is held.  A page is
 * taken off the LRU with a reference (get_page_testone leaves alone a page
 * whose count already reached 0: its freer will unlink it), worked on with
 * the lock dropped, then freed or put back.
 */
static int shrink_cache_isolating(int nr_pages, int priority)
{
	int max_scan = nr_inactive_pages / priority;

	while (--max_scan >= 0 && nr_pages > 0) {
		unsigned long flags = lru_lock(__func__);
		struct page *page = lru_inactive_tail();

		if (!page) {
			lru_unlock(flags, __func__);
			break;
		}
		lru_rotate_inactive(page, __func__);
		mm_counters.scanned++;
		if (get_page_testone(page)) {
			/* It is being freed elsewhere */
			__put_page(page);
			lru_unlock(flags, __func__);
			continue;
		}
		__lru_cache_del(page);
		lru_unlock(flags, __func__);

		if (!TryLockPage(page)) {
			int done = reclaim_swap_cache_page(page);

			UnlockPage(page);
			if (done) {
				page_cache_release(page);	/* ours: frees it */
				mm_counters.reclaimed_swap_cache++;
				nr_pages--;
				continue;
			}
		}
		lru_cache_add(page);
		page_cache_release(page);
	}
	return nr_pages;
}

/* mm/vmscan.c shrink_cache(), for one zone; returns pages still wanted */
int shrink_cache(int nr_pages, int priority)
{
	int max_scan = nr_inactive_pages / priority;
	unsigned long flags;
	struct page *page;

	if (variant->lru_lock_irqsafe)
		return shrink_cache_isolating(nr_pages, priority);
	flags = lru_lock(__func__);

	while (--max_scan >= 0 && (page = lru_inactive_tail())) {
		unsigned long entry;

		if (!PageLRU(page))
			BUG();
		if (PageActive(page))
			BUG();
		lru_rotate_inactive(page, __func__);
		mm_counters.scanned++;

		if (!page_count(page)) {
			if (zero_count_hook(page, &nr_pages))
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
	return nr_pages;
}
