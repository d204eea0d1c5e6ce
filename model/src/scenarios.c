/*
 * Scenarios: a starting state built outside the machine, and the tasks and
 * interrupts that then run on it.  Each is a situation the February 2002
 * thread argued about.  Tasks are bound to cpus; on a UP machine they all
 * run on cpu0, one after another, as a 2.4 kernel without preemption would.
 */
#include <string.h>

#include "lrulab/explore.h"
#include "lrulab/mm.h"
#include "lrulab/sim.h"

static struct kiobuf kio[2];

struct scenario_instance instance;

void set_instance(int number)
{
	instance = (struct scenario_instance){
		.number = number,
		.pad = number % 8,
		.lead = { (number / 8) % 16, (number / 256) % 8 },
		.swap_cpus = (number / 128) % 2,
	};
}

/* The instance's extra pages live in mmC and mmD, which no scenario uses. */
#define PAD_MM	(&mms[3])
#define LEAD_MM(task)	(&mms[3 - (task)])
#define LEAD_PTE(task)	((task) ? 0 : instance.pad)

static struct {
	void (*fn)(void *);
	void *arg;
} lead_task[2];
static int nr_spawned;

/* A task touches its instance's pages first, then does its work. */
static void lead_then(void *arg)
{
	int task = (int)(long)arg, i;

	for (i = 0; i < instance.lead[task]; i++)
		do_anonymous_page(LEAD_MM(task), LEAD_PTE(task) + i);
	lead_task[task].fn(lead_task[task].arg);
}

static int instance_cpu(int cpu)
{
	if (!instance.swap_cpus || sim.cfg.nr_cpus != 2 || cpu < 0)
		return cpu;
	return 1 - cpu;
}

/* sim_spawn for scenarios: on the instance's cpu, with its lead */
static int spawn(int cpu, const char *name, void (*fn)(void *), void *arg)
{
	int task = nr_spawned++;

	if (task < 2 && instance.lead[task]) {
		lead_task[task].fn = fn;
		lead_task[task].arg = arg;
		return sim_spawn(instance_cpu(cpu), name, lead_then, (void *)(long)task);
	}
	return sim_spawn(instance_cpu(cpu), name, fn, arg);
}

static int raise_irq(int cpu, enum ctx_kind kind, const char *name,
		     void (*fn)(void *), void *arg)
{
	return sim_raise_irq(instance_cpu(cpu), kind, name, fn, arg);
}

void scenario_start(const struct scenario *sc)
{
	int i;

	nr_spawned = 0;
	for (i = 0; i < instance.pad; i++)
		do_anonymous_page(PAD_MM, i);
	sc->setup();
}

/* An anonymous page faulted in at @addr of @mm: count 1, on the LRU. */
static struct page *setup_anon(struct mm_struct *mm, int addr)
{
	do_anonymous_page(mm, addr);
	return mm->pte[addr].page;
}

/* The same page mapped read-only in two mms, as after fork(). */
static struct page *setup_cow_shared_page(struct mm_struct *a, struct mm_struct *b,
				     int addr)
{
	struct page *page = setup_anon(a, addr);

	a->pte[addr].write = false;
	page->count.counter++;
	b->pte[addr] = (pte_t){ .page = page, .write = false };
	return page;
}

/* A page in the swap cache, mapped by @mm at @addr (after swap-in). */
static struct page *setup_swap_cached(struct mm_struct *mm, int addr)
{
	struct page *page = setup_anon(mm, addr);
	unsigned long entry = get_swap_page();

	page->flags |= 1UL << PG_locked;
	add_to_swap_cache(page, entry);
	page->flags &= ~(1UL << PG_locked);
	swap_free(entry);	/* the swap-in dropped the pte's swap count */
	return page;
}

/*
 * A swapped-out page: the pte holds the entry, the cache holds the page.
 * With @pin, the page was pinned for I/O before try_to_swap_out unmapped
 * it, so the pin outlives the pte.
 */
static struct page *setup_swapped_out(struct mm_struct *mm, int addr,
				      struct kiobuf *pin)
{
	struct page *page = setup_anon(mm, addr);
	unsigned long entry = get_swap_page();

	if (pin)
		map_user_kiobuf(pin, mm, addr, 1);
	page->flags |= 1UL << PG_locked;
	add_to_swap_cache(page, entry);
	page->flags &= ~(1UL << PG_locked);
	mm->pte[addr] = (pte_t){ .swap = entry };
	page->count.counter--;	/* the pte's reference went with it */
	return page;
}

static void setup_pin(struct kiobuf *iobuf, struct mm_struct *mm, int addr)
{
	map_user_kiobuf(iobuf, mm, addr, 1);
}

/* Use up swap until vm_swap_full() says so, as under memory pressure. */
static void setup_swap_nearly_full(void)
{
	while (!vm_swap_full())
		swap_held_elsewhere[get_swap_page()]++;
}

static void aio_complete(void *arg)
{
	unmap_kiobuf(arg);
}

static void kswapd(void *arg)
{
	(void)arg;
	shrink_cache(2, 1);
}

/* --- aio-munmap -------------------------------------------------------- */

static void aio_submit_then_munmap(void *arg)
{
	(void)arg;
	map_user_kiobuf(&kio[0], &mms[0], 0, 1);
	raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	zap_page_range(&mms[0], 0, 1);
	do_anonymous_page(&mms[0], 2);
}

static void setup_aio_munmap(void)
{
	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	spawn(0, "aio", aio_submit_then_munmap, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- put-vs-shrink ----------------------------------------------------- */

static void munmap_then_unpin(void *arg)
{
	(void)arg;
	zap_page_range(&mms[0], 0, 1);
	unmap_kiobuf(&kio[0]);
}

static void setup_put_vs_shrink(void)
{
	setup_anon(&mms[0], 0);
	setup_pin(&kio[0], &mms[0], 0);
	spawn(0, "unpin", munmap_then_unpin, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- cow-reclaim ------------------------------------------------------- */

static void cow_write(void *arg)
{
	(void)arg;
	do_wp_page(&mms[0], 0);
}

static void cow_exit(void *arg)
{
	(void)arg;
	zap_page_range(&mms[1], 0, 1);
}

static void setup_cow_reclaim(void)
{
	setup_cow_shared_page(&mms[0], &mms[1], 0);
	spawn(0, "writer", cow_write, NULL);
	spawn(1, "exit", cow_exit, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- cow-shared ------------------------------------------------------- */

static void setup_cow_shared(void)
{
	/* both processes kept touching it: it is on the active list */
	mark_page_accessed(setup_cow_shared_page(&mms[0], &mms[1], 0));
	setup_anon(&mms[0], 1);
	spawn(0, "writer", cow_write, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- swap-exit --------------------------------------------------------- */

static void exit_mm0(void *arg)
{
	(void)arg;
	zap_page_range(&mms[0], 0, NR_PTES);
}

static void setup_swap_exit(void)
{
	setup_swapped_out(&mms[0], 0, &kio[0]);
	setup_swapped_out(&mms[0], 1, NULL);
	setup_swap_cached(&mms[0], 2);
	setup_swap_nearly_full();
	raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	spawn(0, "exit", exit_mm0, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- swapcache-munmap -------------------------------------------------- */

static void setup_swapcache_munmap(void)
{
	setup_swap_cached(&mms[0], 0);
	setup_pin(&kio[0], &mms[0], 0);
	setup_swap_cached(&mms[0], 1);
	raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	spawn(0, "munmap", exit_mm0, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- two-left ------------------------------------------------------------ */

static void munmap_then_unpin_p0(void *arg)
{
	(void)arg;
	zap_page_range(&mms[0], 0, 2);
	unmap_kiobuf(&kio[1]);
}

static void setup_two_left(void)
{
	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	setup_pin(&kio[1], &mms[0], 0);
	setup_pin(&kio[0], &mms[0], 1);
	raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	spawn(0, "unpin", munmap_then_unpin_p0, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- reclaim-one --------------------------------------------------------- */

static void kswapd_one(void *arg)
{
	(void)arg;
	shrink_cache(1, 1);
}

static void setup_reclaim_one(void)
{
	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	spawn(0, "aio", aio_submit_then_munmap, NULL);
	spawn(1, "kswapd", kswapd_one, NULL);
}

/* --- two-reclaimers ------------------------------------------------------ */

static void aio_munmap_then_reclaim(void *arg)
{
	aio_submit_then_munmap(arg);
	shrink_cache(2, 1);	/* try_to_free_pages: direct reclaim */
}

static void setup_two_reclaimers(void)
{
	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	spawn(0, "allocator", aio_munmap_then_reclaim, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- irq-driver-page ----------------------------------------------------- */

static void driver_free(void *arg)
{
	put_page((struct page *)arg);
}

static void setup_irq_driver_page(void)
{
	/* a driver's own page (a network receive buffer): never on the LRU */
	struct page *page = alloc_page();

	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	raise_irq(-1, CTX_HARDIRQ, "driver_rx_free", driver_free, page);
	spawn(0, "aio", aio_submit_then_munmap, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- cow-swapcache ------------------------------------------------------- */

static void setup_cow_swapcache(void)
{
	/*
	 * mmA has the page present (swapped in), read-only after fork; mmB
	 * still holds its swap entry, so the slot's count is 2 and
	 * exclusive_swap_page() says no: do_wp_page must copy.
	 */
	struct page *page = setup_swap_cached(&mms[0], 0);

	swap_duplicate(page->index);
	mms[0].pte[0].write = false;
	mms[1].pte[0] = (pte_t){ .swap = page->index };
	spawn(0, "writer", cow_write, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- cow-dirty ----------------------------------------------------------- */

static void setup_cow_dirty(void)
{
	/*
	 * An anonymous page that was swapped in and then left the swap cache
	 * (remove_exclusive_swap_page marks it dirty), shared after fork.
	 */
	struct page *page = setup_cow_shared_page(&mms[0], &mms[1], 0);

	page->flags |= 1UL << PG_dirty;
	spawn(0, "writer", cow_write, NULL);
	spawn(1, "exit", cow_exit, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- the page lock and a reference held elsewhere ------------------------- */

/* swap writeout or swap-in: holds a reference and the page lock a while */
static void page_lock_holder(void *arg)
{
	struct page *page = arg;

	if (!TryLockPage(page)) {
		page_count(page);	/* the I/O in flight */
		UnlockPage(page);
	}
	put_page(page);
}

static void setup_cow_locked(void)
{
	struct page *page = setup_cow_shared_page(&mms[0], &mms[1], 0);

	page->count.counter++;		/* the lock holder's reference */
	spawn(0, "writer", cow_write, NULL);
	spawn(1, "swapin", page_lock_holder, page);
}

static void setup_swapcache_locked(void)
{
	struct page *page = setup_swap_cached(&mms[0], 0);

	setup_anon(&mms[0], 1);		/* and a private page, freed at once */
	page->count.counter++;		/* the writeout's reference */
	spawn(0, "munmap", exit_mm0, NULL);
	spawn(1, "writeout", page_lock_holder, page);
}

/* --- swap-full-shared ---------------------------------------------------- */

static void setup_swap_full_shared(void)
{
	/*
	 * mmB has the page present in the swap cache; mmA still holds the
	 * swap entry and exits while swap is nearly full, so
	 * free_swap_and_cache() takes the page out of the cache.
	 */
	struct page *page = setup_swap_cached(&mms[1], 0);

	swap_duplicate(page->index);
	mms[0].pte[0] = (pte_t){ .swap = page->index };
	setup_swapped_out(&mms[0], 1, NULL);	/* and one only mmA holds */
	setup_swap_nearly_full();
	spawn(0, "exit", exit_mm0, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- fork-munmap --------------------------------------------------------- */

static void setup_fork_munmap(void)
{
	setup_cow_shared_page(&mms[0], &mms[1], 0);
	setup_anon(&mms[0], 1);		/* private, never swapped: clean */
	spawn(0, "exit", exit_mm0, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* --- left-then-cache ----------------------------------------------------- */

static void setup_left_then_cache(void)
{
	struct page *cached;

	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	/* a clean swap-cache page only the cache holds: its pte is gone */
	cached = setup_swap_cached(&mms[1], 0);
	mms[1].pte[0] = (pte_t){ 0 };
	cached->count.counter--;
	swap_duplicate(cached->index);
	swap_held_elsewhere[cached->index]++;
	spawn(0, "aio", aio_submit_then_munmap, NULL);
	spawn(1, "kswapd", kswapd, NULL);
}

/* The scenarios, in the order lrusim --list shows them. */
const struct scenario scenarios[] = {
	{ "aio-munmap",
	  "AIO/bttv completion drops the last reference to an "
	  "anonymous LRU page at interrupt time, after munmap",
	  setup_aio_munmap },
	{ "put-vs-shrink",
	  "final put_page on one cpu races shrink_cache on another",
	  setup_put_vs_shrink },
	{ "cow-reclaim",
	  "copy-on-write break in do_wp_page while the other sharer "
	  "exits and shrink_cache runs",
	  setup_cow_reclaim },
	{ "cow-shared",
	  "copy-on-write break in do_wp_page while the other sharer "
	  "keeps its mapping, under reclaim",
	  setup_cow_shared },
	{ "swap-exit",
	  "exit of swapped-out pages (free_swap_and_cache), one "
	  "still pinned by AIO, and of a swapped-in one, under reclaim "
	  "with swap nearly full",
	  setup_swap_exit },
	{ "swapcache-munmap",
	  "munmap of mapped swap-cache pages "
	  "(free_page_and_swap_cache), one pinned by AIO, under reclaim",
	  setup_swapcache_munmap },
	{ "two-left",
	  "two pages left on the LRU at once: one by the task's last put, one "
	  "by the AIO completion interrupt, before kswapd scans",
	  setup_two_left },
	{ "reclaim-one",
	  "aio-munmap with kswapd wanting a single page: nr_pages reaches 0 "
	  "on the page left on the LRU",
	  setup_reclaim_one },
	{ "two-reclaimers",
	  "direct reclaim (try_to_free_pages) in the task beside kswapd, both "
	  "meeting the page the AIO completion left",
	  setup_two_reclaimers },
	{ "irq-driver-page",
	  "a driver's interrupt handler frees its own page, never on the LRU, "
	  "and an AIO completion an LRU page, beside kswapd",
	  setup_irq_driver_page },
	{ "cow-swapcache",
	  "copy-on-write break of a swap-cache page whose swap slot another "
	  "process still holds",
	  setup_cow_swapcache },
	{ "cow-dirty",
	  "copy-on-write break of a dirty anonymous page while the other "
	  "sharer exits, under reclaim",
	  setup_cow_dirty },
	{ "cow-locked",
	  "copy-on-write break while swap-in holds the old page's lock and a "
	  "reference",
	  setup_cow_locked },
	{ "swapcache-locked",
	  "munmap of a private page and of a swap-cache page while swap "
	  "writeout holds its lock and a reference",
	  setup_swapcache_locked },
	{ "swap-full-shared",
	  "exit, with swap nearly full, of a process holding the swap entries "
	  "of a page another process maps and of a page only it held "
	  "(free_swap_and_cache)",
	  setup_swap_full_shared },
	{ "fork-munmap",
	  "munmap of a page shared after fork and of a private clean page",
	  setup_fork_munmap },
	{ "left-then-cache",
	  "a page left on the LRU at interrupt time, and a clean swap-cache "
	  "page only the cache holds: kswapd wants two",
	  setup_left_then_cache },
	{ NULL, NULL, NULL },
};

const struct scenario *find_scenario(const char *name)
{
	int i;

	for (i = 0; scenarios[i].name; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}
