/*
 * Each checker shown to fire on a tiny broken example, and to stay quiet
 * on the same example done right; plus the primitives and the explorer's
 * determinism.  Prints "PASS name" / "FAIL name: why" per case; exit 1 if
 * any case failed.  Run by tests/model/test_checkers.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lrulab/explore.h"
#include "lrulab/mm.h"

static int failures;
static struct page *P;		/* the page a case works on */

static void expect(const char *name, bool ok, const char *why)
{
	printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
	       ok ? "" : why);
	failures += !ok;
}

/* Run @setup under dfs with @bound; expect @checker to fire (or nothing). */
static void run_case(const char *name, void (*setup)(void), int bound,
		     int nr_cpus, bool up, int expect_checker)
{
	struct scenario sc = { .name = name, .summary = name, .setup = setup };
	struct sim_config cfg = { .nr_cpus = nr_cpus, .up = up,
				  .checkers = (1u << NR_CHECKERS) - 1,
				  .step_limit = 2000 };
	struct strategy st = { .kind = STRAT_DFS, .bound = bound };
	struct explore_stats stats;
	struct run_result r;
	char sched[4096], why[700];
	int found = explore(&sc, &cfg, &st, &r, sched, sizeof(sched), &stats);

	if (expect_checker < 0) {
		snprintf(why, sizeof(why), "expected no failure, got [%s] %s",
			 found ? checker_names[r.failure.checker] : "",
			 found ? r.failure.msg : "");
		expect(name, !found, why);
		return;
	}
	snprintf(why, sizeof(why), "expected [%s], got %s%s%s",
		 checker_names[expect_checker],
		 found ? checker_names[r.failure.checker] : "no failure",
		 found ? ": " : "", found ? r.failure.msg : "");
	expect(name, found && (int)r.failure.checker == expect_checker, why);
}

static struct page *anon(int addr)
{
	do_anonymous_page(&mms[0], addr);
	return mms[0].pte[addr].page;
}

/* --- double free: two tasks each free the same page ------------------- */
static void free_it(void *arg)
{
	(void)arg;
	__free_pages_ok(P, 0);
}

static void setup_double_free(void)
{
	P = alloc_page();
	P->count.counter = 0;
	sim_spawn(0, "a", free_it, NULL);
	sim_spawn(1, "b", free_it, NULL);
}

/* --- use after free: a reference taken on a freed page ---------------- */
static void get_after_free(void *arg)
{
	(void)arg;
	put_page(P);
	get_page(P);
}

static void setup_uaf(void)
{
	P = alloc_page();
	sim_spawn(0, "a", get_after_free, NULL);
}

/* --- underflow: one put too many -------------------------------------- */
static void put_twice(void *arg)
{
	(void)arg;
	put_page_testzero(P);
	put_page_testzero(P);
}

static void setup_underflow(void)
{
	P = alloc_page();
	sim_spawn(0, "a", put_twice, NULL);
}

/* --- leak: a reference nobody holds ----------------------------------- */
static void extra_get(void *arg)
{
	(void)arg;
	get_page(P);
}

static void setup_leak(void)
{
	P = anon(0);
	sim_spawn(0, "a", extra_get, NULL);
}

/* --- lru corruption: __lru_cache_del without the lock vs shrink_cache - */
static void unlocked_del(void *arg)
{
	(void)arg;
	__lru_cache_del(P);
	mms[0].pte[0].page = NULL;
	page_cache_release(P);
}

static void reclaim(void *arg)
{
	(void)arg;
	shrink_cache(1, 1);
}

static void setup_lru_corruption(void)
{
	P = anon(0);
	sim_spawn(0, "a", unlocked_del, NULL);
}

/* --- the same unlinking, done right, is clean ------------------------- */
static void locked_del(void *arg)
{
	(void)arg;
	lru_cache_del(P);
	mms[0].pte[0].page = NULL;
	page_cache_release(P);
}

static void setup_lru_clean(void)
{
	P = anon(0);
	anon(1);
	sim_spawn(0, "a", locked_del, NULL);
	sim_spawn(1, "kswapd", reclaim, NULL);
}

/* --- lru lost: a mapped page taken off the LRU ------------------------ */
static void unlink_mapped(void *arg)
{
	(void)arg;
	lru_cache_del(P);
}

static void setup_lru_lost(void)
{
	P = anon(0);
	sim_spawn(0, "a", unlink_mapped, NULL);
}

/* --- BUG: unlocking a page that is not locked ------------------------- */
static void bad_unlock(void *arg)
{
	(void)arg;
	UnlockPage(P);
}

static void setup_bug(void)
{
	P = anon(0);
	sim_spawn(0, "a", bad_unlock, NULL);
}

/* --- irq safety: a lock taken in an irq and with irqs on -------------- */
static spinlock_t demo_lock = SPIN_LOCK_UNLOCKED("demo_lock");

static void take_demo(void *arg)
{
	(void)arg;
	spin_lock(&demo_lock);
	spin_unlock(&demo_lock);
}

static void take_demo_irqsave(void *arg)
{
	unsigned long flags;

	(void)arg;
	spin_lock_irqsave(&demo_lock, flags);
	spin_unlock_irqrestore(&demo_lock, flags);
}

static void setup_irq_safety(void)
{
	demo_lock = (spinlock_t)SPIN_LOCK_UNLOCKED("demo_lock");
	sim_spawn(0, "task", take_demo, NULL);
	sim_raise_irq(1, CTX_HARDIRQ, "irq", take_demo, NULL);
}

static void setup_irq_safe_ok(void)
{
	demo_lock = (spinlock_t)SPIN_LOCK_UNLOCKED("demo_lock");
	sim_spawn(0, "task", take_demo_irqsave, NULL);
	sim_raise_irq(0, CTX_HARDIRQ, "irq", take_demo, NULL);
}

/* --- deadlock: AB-BA on two cpus -------------------------------------- */
static spinlock_t lock_a = SPIN_LOCK_UNLOCKED("A"), lock_b = SPIN_LOCK_UNLOCKED("B");

static void ab(void *arg)
{
	(void)arg;
	spin_lock(&lock_a);
	spin_lock(&lock_b);
	spin_unlock(&lock_b);
	spin_unlock(&lock_a);
}

static void ba(void *arg)
{
	(void)arg;
	spin_lock(&lock_b);
	spin_lock(&lock_a);
	spin_unlock(&lock_a);
	spin_unlock(&lock_b);
}

static void setup_deadlock(void)
{
	lock_a = (spinlock_t)SPIN_LOCK_UNLOCKED("A");
	lock_b = (spinlock_t)SPIN_LOCK_UNLOCKED("B");
	sim_spawn(0, "ab", ab, NULL);
	sim_spawn(1, "ba", ba, NULL);
}

/* --- step limit: a loop that never ends, yielding --------------------- */
static void spin_forever(void *arg)
{
	(void)arg;
	while (page_count(P) > 0)
		;
}

static void setup_step_limit(void)
{
	P = anon(0);
	sim_spawn(0, "loop", spin_forever, NULL);
}

/* --- nr-pages: a zero-count page freed but not counted --------------- */
static int uncounted_zero_count(struct page *page, int *nr_pages)
{
	(void)nr_pages;
	if (PageLocked(page)) {
		page_cache_get(page);
		__lru_cache_del(page);
		UnlockPage(page);
		page_cache_release(page);
	}
	return 0;
}

static void setup_left_on_lru(void)
{
	P = anon(0);
	mms[0].pte[0].page = NULL;
	P->count.counter = 0;
	P->flags |= 1UL << PG_locked;	/* as fix-0212's __free_pages_ok leaves it */
	sim_spawn(0, "kswapd", reclaim, NULL);
}

/* --- primitives: counts and flags behave as the kernel's -------------- */
static void primitives(void *arg)
{
	(void)arg;
	get_page(P);
	if (page_count(P) != 2)
		BUG();
	if (put_page_testzero(P))
		BUG();
	if (TryLockPage(P) != 0 || TryLockPage(P) != 1)
		BUG();
	UnlockPage(P);
	if (PageLocked(P))
		BUG();
	if (!PageLRU(P) || in_interrupt())
		BUG();
}

static void setup_primitives(void)
{
	P = anon(0);
	sim_spawn(0, "prims", primitives, NULL);
}

static void in_irq_check(void *arg)
{
	(void)arg;
	if (!in_interrupt())
		BUG();
}

static void setup_in_interrupt(void)
{
	sim_raise_irq(0, CTX_HARDIRQ, "irq", in_irq_check, NULL);
}

/* --- schedules: format, parse, replay, determinism -------------------- */
static void test_schedules(void)
{
	const struct scenario *sc = find_scenario("put-vs-shrink");
	struct sim_config cfg = { .nr_cpus = 2, .checkers = 1u << CHK_DOUBLE_FREE,
				  .step_limit = MAX_STEPS };
	struct strategy dfs = { .kind = STRAT_DFS, .bound = 2 };
	struct strategy pct = { .kind = STRAT_PCT, .seed = 7, .runs = 2000,
				.depth = 3 };
	struct explore_stats s1, s2;
	struct run_result r1, r2, r3;
	static char a[8192], b[8192];
	struct choice tok[8];
	int count[8];
	char err[160];

	variant = find_variant("flawed-0207");
	explore(sc, &cfg, &dfs, &r1, a, sizeof(a), &s1);
	replay_schedule(sc, &cfg, a, &r2);
	expect("replay-reproduces-failure",
	       r1.failed && r2.failed && r2.failure.checker == CHK_DOUBLE_FREE,
	       "the failing dfs schedule did not fail again on replay");
	expect("dfs-finds-it-at-the-least-bound", s1.bound == 1 &&
	       r1.preemptions == 1, "the 7 Feb double free needs one preemption");
	snprintf(b, sizeof(b), "%s", a);
	minimize_schedule(sc, &cfg, &r2.failure, r2.preemptions, b, sizeof(b));
	replay_schedule(sc, &cfg, b, &r3);
	expect("minimized-schedule-still-fails",
	       r3.failed && same_failure(&r3.failure, &r2.failure) &&
	       r3.preemptions <= r2.preemptions && strlen(b) <= strlen(a), b);
	explore(sc, &cfg, &pct, &r1, a, sizeof(a), &s1);
	explore(sc, &cfg, &pct, &r2, b, sizeof(b), &s2);
	expect("pct-same-seed-same-result",
	       r1.failed == r2.failed && s1.runs == s2.runs && !strcmp(a, b),
	       "two pct runs with one seed differ");
	expect("parse-ok", schedule_parse("0*5 1 i1, 0*2 # why", tok, count, 8,
					  err, sizeof(err)) == 4 &&
	       count[0] == 5 && tok[2].kind == CH_IRQ, "parse of a good schedule");
	expect("parse-rejects-garbage",
	       schedule_parse("0*x", tok, count, 8, err, sizeof(err)) < 0 &&
	       schedule_parse("cpu0", tok, count, 8, err, sizeof(err)) < 0 &&
	       schedule_parse("9", tok, count, 8, err, sizeof(err)) < 0,
	       "bad schedules must be rejected");
}

int main(void)
{
	variant = find_variant("fix-0212");
	run_case("double-free", setup_double_free, 1, 2, false, CHK_DOUBLE_FREE);
	run_case("use-after-free", setup_uaf, 0, 1, false, CHK_USE_AFTER_FREE);
	run_case("refcount-underflow", setup_underflow, 0, 1, false, CHK_UNDERFLOW);
	run_case("leak", setup_leak, 0, 1, false, CHK_LEAK);
	run_case("lru-corruption", setup_lru_corruption, 0, 1, false,
		 CHK_LRU_CORRUPTION);
	run_case("lru-clean-with-lock", setup_lru_clean, 2, 2, false, -1);
	run_case("lru-lost", setup_lru_lost, 0, 1, false, CHK_LRU_LOST);
	run_case("bug", setup_bug, 0, 1, false, CHK_BUG);
	run_case("irq-safety", setup_irq_safety, 0, 2, false, CHK_IRQ_SAFETY);
	run_case("irq-safety-quiet-with-irqsave", setup_irq_safe_ok, 2, 1, false, -1);
	run_case("deadlock-abba", setup_deadlock, 1, 2, false, CHK_DEADLOCK);
	run_case("deadlock-free-one-cpu", setup_deadlock, 2, 1, false, -1);
	run_case("step-limit", setup_step_limit, 0, 1, false, CHK_STEP_LIMIT);
	run_case("zero-count-reclaimed", setup_left_on_lru, 0, 1, false, -1);
	{
		static struct variant uncounted;

		uncounted = *find_variant("fix-0212");
		uncounted.lab_shrink_cache_zero_count = uncounted_zero_count;
		variant = &uncounted;
		run_case("nr-pages", setup_left_on_lru, 0, 1, false, CHK_NR_PAGES);
		variant = find_variant("fix-0212");
	}
	run_case("primitives", setup_primitives, 0, 1, false, -1);
	run_case("in-interrupt", setup_in_interrupt, 0, 1, false, -1);
	test_schedules();
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
