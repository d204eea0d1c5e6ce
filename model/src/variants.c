/*
 * The historical variants of the code at the spots of the 12 Feb 2002
 * patch, from the thread and from later kernels, each as a set of hook
 * implementations plus its base differences.  fix-0212 is the labs'
 * reference solutions (labs/<id>/solution.c, compiled in natively: they
 * define the lab_* hooks of hooks.h), its single source.
 */
#include <string.h>

#include "lrulab/mm.h"
#include "lrulab/sim.h"


/* Where 2.4.18-pre9 has no code of the patch: just drop the reference. */
static void plain_release(struct page *page)
{
	page_cache_release(page);
}

static void nothing_deleted(struct page *page)
{
	(void)page;
}

/* 2.4.18-pre9 shrink_cache: "Zero page counts can happen..." skip it. */
static int skip_zero_count(struct page *page, int *nr_pages)
{
	(void)page;
	(void)nr_pages;
	return 0;
}

/* 2.4.18-pre3..pre9 __free_pages_ok (Ben LaHaise): unlink, in any context */
static int pre9_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page))
		lru_cache_del(page);
	return 0;
}

/* Hugh's 6 Feb diagnostic, in mainline from 2.4.20 to 2.4.26 */
static int irq_bug_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (in_interrupt())
			BUG();
		lru_cache_del(page);
	}
	return 0;
}

/*
 * 7 Feb: leave any PageLRU page for shrink_cache, unflagged, and free every
 * zero-count page there: the hooks are labs/02-leave-on-lru/bad/flawed-0207.c,
 * renamed (one piece of code for the model, the lab and the kernel tests).
 */
int flawed_free_pages_ok_lru(struct page *page);
int flawed_shrink_cache_zero_count(struct page *page, int *nr_pages);

/* 7 Feb: 2.4.17's LRU-aware page_cache_release, made to handle a race */
static void flawed_page_cache_release(struct page *page)
{
	if (PageLRU(page) && page_count(page) == 1) {
		if (in_interrupt())
			BUG();
		lru_cache_del(page);
	}
	if (!PageReserved(page) && put_page_testzero(page))
		__free_pages_ok(page, 0);
}

/*
 * 2.4.27 (Andrea Arcangeli, <20031011134831.GJ16013@velociraptor.random>):
 * an interrupt-time free of an LRU page is chained on a list and freed by
 * keventd in process context, where lru_cache_del is safe.
 */
static spinlock_t free_pages_ok_no_irq_lock =
	SPIN_LOCK_UNLOCKED("free_pages_ok_no_irq_lock");
static struct page *free_pages_ok_no_irq_head[NR_PAGES];
static int nr_free_pages_ok_no_irq;

static void do_free_pages_ok_no_irq(void)
{
	struct page *pages[NR_PAGES];
	unsigned long flags;
	int i, n;

	spin_lock_irqsave(&free_pages_ok_no_irq_lock, flags);
	n = nr_free_pages_ok_no_irq;
	memcpy(pages, free_pages_ok_no_irq_head, n * sizeof(pages[0]));
	nr_free_pages_ok_no_irq = 0;
	spin_unlock_irqrestore(&free_pages_ok_no_irq_lock, flags);
	for (i = 0; i < n; i++)
		__free_pages_ok(pages[i], 0);
}

static int defer_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (in_interrupt()) {
			unsigned long flags;

			spin_lock_irqsave(&free_pages_ok_no_irq_lock, flags);
			free_pages_ok_no_irq_head[nr_free_pages_ok_no_irq++] =
				page;
			spin_unlock_irqrestore(&free_pages_ok_no_irq_lock,
					       flags);
			schedule_task(do_free_pages_ok_no_irq);
			return 1;
		}
		lru_cache_del(page);
	}
	return 0;
}

/*
 * 2.5.32 / 2.6.11 __page_cache_release(): unlink under the irq-safe lock;
 * if reclaim took a reference meanwhile, it frees the page, not us.
 */
static int irqsafe_free_pages_ok_lru(struct page *page)
{
	int taken = 0;

	if (PageLRU(page)) {
		unsigned long flags = lru_lock(__func__);

		__lru_cache_del(page);
		taken = page_count(page) != 0;
		lru_unlock(flags, __func__);
	}
	return taken;
}

void mm_reset_variants(void)
{
	if (variant->reset)
		variant->reset();
	nr_free_pages_ok_no_irq = 0;
	free_pages_ok_no_irq_lock =
		(spinlock_t)SPIN_LOCK_UNLOCKED("free_pages_ok_no_irq_lock");
}

static const struct variant vanilla_pre9 = {
	.name = "vanilla-pre9",
	.summary = "2.4.18-pre9: __free_pages_ok unlinks a PageLRU page with "
		   "lru_cache_del, in any context",
	.source = "Ben LaHaise's 2.4.18-pre3 change; context of "
		  "<Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain>",
	.lab_free_pages_ok_lru = pre9_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = skip_zero_count,
	.lab_do_wp_page_release_old = plain_release,
	.lab_free_page_and_swap_cache_release = plain_release,
	.lab_free_swap_and_cache_deleted = nothing_deleted,
	.lru_test_first = true,
};

static const struct variant irq_bug_0206 = {
	.name = "irq-bug-0206",
	.summary = "6 Feb: BUG() when __free_pages_ok meets a PageLRU page in "
		   "interrupt context (mainline 2.4.20..2.4.26)",
	.source = "<Pine.LNX.4.21.0202061844450.1856-100000@localhost.localdomain>",
	.lab_free_pages_ok_lru = irq_bug_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = skip_zero_count,
	.lab_do_wp_page_release_old = plain_release,
	.lab_free_page_and_swap_cache_release = plain_release,
	.lab_free_swap_and_cache_deleted = nothing_deleted,
	.lru_test_first = true,
};

static const struct variant flawed_0207 = {
	.name = "flawed-0207",
	.summary = "7 Feb \"plausible-looking but fatally flawed\": LRU-aware "
		   "page_cache_release, leftovers freed by shrink_cache",
	.source = "<Pine.LNX.4.21.0202071930320.1533-100000@localhost.localdomain>",
	.lab_free_pages_ok_lru = flawed_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = flawed_shrink_cache_zero_count,
	.lab_do_wp_page_release_old = plain_release,
	.lab_free_page_and_swap_cache_release = plain_release,
	.lab_free_swap_and_cache_deleted = nothing_deleted,
	.page_cache_release = flawed_page_cache_release,
};

static const struct variant fix_0212 = {
	.name = "fix-0212",
	.summary = "12 Feb: leftovers flagged with PG_locked and freed by "
		   "shrink_cache; count-1 pages unlinked early in three places",
	.source = "<Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain>",
	.lab_free_pages_ok_lru = lab_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = lab_shrink_cache_zero_count,
	.lab_do_wp_page_release_old = lab_do_wp_page_release_old,
	.lab_free_page_and_swap_cache_release =
		lab_free_page_and_swap_cache_release,
	.lab_free_swap_and_cache_deleted = lab_free_swap_and_cache_deleted,
	.opaque = true,
};

/* lab 05's reference: the 12 Feb hunks with the smp_rmb Hugh asked about */
int rmb_free_pages_ok_lru(struct page *page);
int rmb_shrink_cache_zero_count(struct page *page, int *nr_pages);

static const struct variant fix_0212_rmb = {
	.name = "fix-0212-rmb",
	.summary = "12 Feb, with an smp_rmb in shrink_cache between the count test "
		   "and PageLocked (the barrier question, answered)",
	.source = "labs/05-barrier; "
		  "<Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain>",
	.lab_free_pages_ok_lru = rmb_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = rmb_shrink_cache_zero_count,
	.lab_do_wp_page_release_old = lab_do_wp_page_release_old,
	.lab_free_page_and_swap_cache_release = lab_free_page_and_swap_cache_release,
	.lab_free_swap_and_cache_deleted = lab_free_swap_and_cache_deleted,
	.opaque = true,
};

static const struct variant defer_2427 = {
	.name = "defer-2427",
	.summary = "2.4.27: interrupt-time frees of LRU pages deferred to "
		   "keventd (free_pages_ok_no_irq)",
	.source = "<20031011134831.GJ16013@velociraptor.random>; 2.4.27 "
		  "mm/page_alloc.c",
	.lab_free_pages_ok_lru = defer_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = skip_zero_count,
	.lab_do_wp_page_release_old = plain_release,
	.lab_free_page_and_swap_cache_release = plain_release,
	.lab_free_swap_and_cache_deleted = nothing_deleted,
	.lru_test_first = true,
};

static const struct variant irqsafe_lru_25 = {
	.name = "irqsafe-lru-25",
	.summary = "2.5.32: pagemap_lru_lock taken with interrupts off; the "
		   "free path rechecks the count under it; reclaim isolates",
	.source = "<20110301143444.2ed102aa.akpm@linux-foundation.org> "
		  "(quoting the Aug 2002 commit); 2.6.11 mm/swap.c",
	.lab_free_pages_ok_lru = irqsafe_free_pages_ok_lru,
	.lab_shrink_cache_zero_count = skip_zero_count,
	.lab_do_wp_page_release_old = plain_release,
	.lab_free_page_and_swap_cache_release = plain_release,
	.lab_free_swap_and_cache_deleted = nothing_deleted,
	.lru_lock_irqsafe = true,
	.lru_test_first = true,
};

const struct variant *const variants[] = {
	&vanilla_pre9, &irq_bug_0206, &flawed_0207, &fix_0212, &fix_0212_rmb,
	&defer_2427, &irqsafe_lru_25, NULL,
};

const struct variant *find_variant(const char *name)
{
	int i;

	if (!strcmp(name, "student"))
		return student_variant();
	for (i = 0; variants[i]; i++)
		if (!strcmp(variants[i]->name, name))
			return variants[i];
	return NULL;
}

/*
 * A lab.c, built into lrusim-lab as a lab module, supplies its lab's hooks;
 * the others come from fix-0212 (traced as one opaque step each), so each
 * lab is graded alone.
 */
static struct variant student;

const struct variant *student_variant(void)
{
	const struct lab_module *m = lab_module();

	if (!m)
		return NULL;
	student = fix_0212;
	student.name = "student";
	student.summary = "your lab.c, with fix-0212 for the other hooks";
	student.source = "lab.c";
	student.reset = m->reset;
	student.opaque = false;		/* but for the hooks it keeps */
#define HOOK(ret, name, params, args) \
	if (m->name) \
		student.name = m->name;
#include "lrulab/hooks.def"
#undef HOOK
	return &student;
}

/* --- calling the hooks ------------------------------------------------- */

struct hook_frame {
	struct sim_ctx *c;
	const char *hook;
	bool opaque;
};

static struct hook_frame hook_enter(const char *name, bool reference)
{
	struct hook_frame f = { .c = sim_current() };

	if (f.c) {
		f.hook = f.c->hook;
		f.opaque = f.c->opaque;
		f.c->hook = name;
		f.c->opaque = reference;
	}
	return f;
}

static void hook_exit(struct hook_frame f)
{
	if (f.c) {
		f.c->hook = f.hook;
		f.c->opaque = f.opaque;
	}
}

/* Is this variant's @hook the labs' reference code (shown as one step)? */
#define IS_REFERENCE(hook) \
	(variant->opaque || (variant == &student && variant->hook == fix_0212.hook))

#define HOOK(ret, name, params, args) \
ret call_##name params \
{ \
	struct hook_frame f = hook_enter(#name, IS_REFERENCE(name)); \
	HOOK_CALL_##ret(name, args) \
}
#define HOOK_CALL_int(name, args) \
	int r = variant->name args; \
	hook_exit(f); \
	return r;
#define HOOK_CALL_void(name, args) \
	variant->name args; \
	hook_exit(f);
#include "lrulab/hooks.def"
#undef HOOK
