/*
 * Scenarios: a starting state built outside the machine, and the tasks and
 * interrupts that then run on it.  Each is a situation the February 2002
 * thread argued about.  Tasks are bound to cpus; on a UP machine they all
 * run on cpu0, one after another, as a 2.4 kernel without preemption would.
 */
#include <string.h>

#include "lrulab/explore.h"
#include "lrulab/mm.h"

static struct kiobuf kio[2];

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
	sim_raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	zap_page_range(&mms[0], 0, 1);
	do_anonymous_page(&mms[0], 2);
}

static void setup_aio_munmap(void)
{
	setup_anon(&mms[0], 0);
	setup_anon(&mms[0], 1);
	sim_spawn(0, "aio", aio_submit_then_munmap, NULL);
	sim_spawn(1, "kswapd", kswapd, NULL);
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
	sim_spawn(0, "unpin", munmap_then_unpin, NULL);
	sim_spawn(1, "kswapd", kswapd, NULL);
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
	sim_spawn(0, "writer", cow_write, NULL);
	sim_spawn(1, "exit", cow_exit, NULL);
	sim_spawn(1, "kswapd", kswapd, NULL);
}

/* --- cow-shared ------------------------------------------------------- */

static void setup_cow_shared(void)
{
	setup_cow_shared_page(&mms[0], &mms[1], 0);
	setup_anon(&mms[0], 1);
	sim_spawn(0, "writer", cow_write, NULL);
	sim_spawn(1, "kswapd", kswapd, NULL);
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
	sim_raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	sim_spawn(0, "exit", exit_mm0, NULL);
	sim_spawn(1, "kswapd", kswapd, NULL);
}

/* --- swapcache-munmap -------------------------------------------------- */

static void setup_swapcache_munmap(void)
{
	setup_swap_cached(&mms[0], 0);
	setup_pin(&kio[0], &mms[0], 0);
	setup_swap_cached(&mms[0], 1);
	sim_raise_irq(-1, CTX_HARDIRQ, "aio_complete", aio_complete, &kio[0]);
	sim_spawn(0, "munmap", exit_mm0, NULL);
	sim_spawn(1, "kswapd", kswapd, NULL);
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
