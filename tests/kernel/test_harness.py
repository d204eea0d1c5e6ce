"""The harness in the real kernel: the 12 Feb patch is clean, historical and
wrong variants are caught, a stuck CPU or a deadlock is a verdict within
seconds.  Every verdict is asked for REPEAT times, on one build.

Each case compiles a lab.c (in the sandbox) into the patched tree, boots it
with workloads and judges the console and the /proc/lrulab counters.
Needs a 2.4.17 tree (installed from the CI tarball when there is one).
"""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from runner.kernel import build, guest, paths, qemu, reaper, stage

from tests.util import ROOT

from .support import tools_or_skip, tree_or_skip

WORKLOADS = ("cow", "swap", "pin", "pressure")
REPEAT = 3                  # boots per verdict
VERDICT_SECONDS = 40        # a stuck or deadlocked run ends well before this

# 2.4.18-pre9 as it was: Ben LaHaise's unconditional unlink, at any context.
VANILLA_PRE9 = """#include "lab.h"
int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page))
		lru_cache_del(page);
	return 0;
}
"""
# Hugh's 6 Feb 2002 diagnostic, as merged for 2.4.20: BUG at interrupt time.
IRQ_BUG_0206 = """#include "lab.h"
int lab_free_pages_ok_lru(struct page *page)
{
	if (PageLRU(page)) {
		if (in_interrupt())
			BUG();
		lru_cache_del(page);
	}
	return 0;
}
"""
# Lab 02 wrong: leave the page on the LRU but never mark it, so shrink_cache
# cannot tell it from a count passing through zero and never frees it.
LEAVE_UNMARKED = """#include "lab.h"
int lab_free_pages_ok_lru(struct page *page)
{
	return PageLRU(page) ? 1 : 0;
}
"""
# Lab 02 wrong: ignore the LRU altogether and let the page be freed on it.
FREE_ON_LRU = """#include "lab.h"
int lab_free_pages_ok_lru(struct page *page)
{
	return 0;
}
"""
# Lab 03 wrong: drop two references (the caller's and the pte's).
WP_DOUBLE_RELEASE = """#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	if (page_count(old_page) == 2)
		lru_cache_del(old_page);
	page_cache_release(old_page);
	page_cache_release(old_page);
}
"""
# Lab 04 wrong: drop the caller's reference of a page it still holds locked.
SWAP_DROPS_CALLERS_REF = """#include "lab.h"
void lab_free_swap_and_cache_deleted(struct page *page)
{
	lru_cache_del(page);
	page_cache_release(page);
}
"""
# 7 Feb 2002: leave the page on the LRU unflagged; shrink_cache frees any
# count-0 page it meets -- racing with the CPU that is still in __free_pages_ok.
# One piece of code: lab 02's bad variant, which the model's flawed-0207 is built from.
FLAWED_0207 = (ROOT / "labs" / "02-leave-on-lru" / "bad" / "flawed-0207.c").read_text()
# A hook that never returns, in bh context (the pin's timer frees).
SPIN_IN_BH = """#include "lab.h"
int lab_free_pages_ok_lru(struct page *p)
{
	if (PageLRU(p))
		for (;;)
			;
	return 0;
}
"""
# Takes pagemap_lru_lock and never lets go: the other CPU spins on it.
HOLD_AND_LOOP = """#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	spin_lock(&pagemap_lru_lock);
	for (;;)
		;
}
"""
# Loops with interrupts off: no timer tick reaches the CPU any more.
LOOP_IRQS_OFF = """#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	local_irq_disable();
	for (;;)
		;
}
"""
# C99 in a lab.c: the model compiles with -std=c11, so must the kernel.
C99_LOOP = """#include "lab.h"
void lab_do_wp_page_release_old(struct page *old_page)
{
	int n = 0;

	for (int i = 0; i < 1; i++)
		n += page_count(old_page);
	if (n == 1)
		lru_cache_del(old_page);
	page_cache_release(old_page);
}
"""
RACE_DELAY = "lrulab_delay=2000"     # microseconds at the delay point
RACE_BOOTS = 5                       # measured hit rate 18/20 per boot: a miss is ~1e-5
LABS = paths.REPO / "labs"


class HarnessTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", "genext2fs", "mkswap", qemu.QEMU)

    def build(self, flavour: str, lab_text: str | None = None,
              lab_path: Path | None = None) -> build.BuildResult:
        with tempfile.TemporaryDirectory() as tmp:
            if lab_text is not None:
                lab_path = Path(tmp) / "lab.c"
                lab_path.write_text(lab_text)
            return build.build(self.tree, flavour, lab=lab_path)

    def boots(self, flavour: str, lab_text: str | None = None, lab_path: Path | None = None,
              workloads: tuple[str, ...] = WORKLOADS, n: int = REPEAT) -> list[qemu.BootResult]:
        """n boots of one build; no QEMU of ours outlives a boot."""
        b = self.build(flavour, lab_text, lab_path)
        initrd = guest.build()
        out = []
        for i in range(n):
            _, run_dir = paths.new_run_dir(f"test-{flavour}")
            out.append(qemu.boot(b.bzimage, initrd, run_dir, flavour, smp=flavour == "smp",
                                 workloads=workloads, timeout=180))
            self.assertEqual(reaper.live_pids(), [], "a QEMU outlived its boot")
        return out

    def assert_clean(self, r: qemu.BootResult) -> None:
        tail = "\n".join(r.console.splitlines()[-20:])
        self.assertEqual(r.problems(), [], f"console tail:\n{tail}")
        self.assertEqual(r.status, 0, r.report)
        c = r.counters()
        self.assertGreaterEqual(c["freed_on_lru_bh"], 64, "the timer freed pinned LRU pages")
        self.assertEqual(c["lru_lost"], 0)

    def assert_each(self, results: list[qemu.BootResult], needle: str) -> None:
        for i, r in enumerate(results):
            self.assertTrue(any(needle in p for p in r.problems()),
                            f"boot {i + 1} of {len(results)}: {needle!r} not in {r.problems()}")

    # -- the 12 Feb patch and the historical variants -------------------------

    def test_no_lab_is_the_12_feb_patch(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                for r in self.boots(flavour):
                    self.assert_clean(r)
                    c = r.counters()
                    self.assertEqual(c["left_on_lru"], c["reclaimed_zero_count"])
                    self.assertEqual(c["lru_zero_count"], 0)

    def test_vanilla_pre9_takes_the_lru_lock_at_interrupt_time(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                rs = self.boots(flavour, VANILLA_PRE9)
                self.assert_each(rs, "pagemap_lru_lock taken in bh context by lru_cache_del")
                self.assertFalse(any(r.timed_out for r in rs), "caught, not hung")

    def test_6_feb_in_interrupt_bug_fires(self) -> None:
        self.assert_each(self.boots("up", IRQ_BUG_0206), "BUG: kernel BUG at lrulab_lab.c")

    def test_7_feb_race_is_a_double_free_on_smp_with_delay_points(self) -> None:
        b = self.build("smp", FLAWED_0207)
        for boot in range(1, RACE_BOOTS + 1):
            _, run_dir = paths.new_run_dir("test-race")
            r = qemu.boot(b.bzimage, guest.build(), run_dir, "smp", smp=True,
                          workloads=("race", RACE_DELAY), timeout=180)
            if any("LRULAB-CHECK: double free" in p for p in r.problems()):
                return
        self.fail(f"the 7 Feb race was not caught in {RACE_BOOTS} SMP boots")

    def test_12_feb_fix_survives_the_race_with_delay_points(self) -> None:
        for r in self.boots("smp", None, workloads=("race", "pressure", RACE_DELAY)):
            self.assertEqual(r.problems(), [], "\n".join(r.console.splitlines()[-15:]))
            self.assertGreater(r.counters().get("delayed", 0), 0, "the delay point was reached")

    # -- wrong labs, each caught the same way every time ----------------------

    def test_leaving_a_page_unmarked_leaks_it(self) -> None:
        self.assert_each(self.boots("up", LEAVE_UNMARKED), "leak: ")

    def test_freeing_a_page_still_on_the_lru_is_caught(self) -> None:
        self.assert_each(self.boots("up", FREE_ON_LRU), "freed while still on the LRU")

    def test_lab03_double_release_is_caught(self) -> None:
        for r in self.boots("up", WP_DOUBLE_RELEASE):
            self.assertTrue(any(p.startswith(("BUG: ", "lrulab: LRULAB-CHECK: double free"))
                                for p in r.problems()), r.problems())

    def test_lab04_dropping_the_callers_reference_is_caught(self) -> None:
        self.assert_each(self.boots("up", SWAP_DROPS_CALLERS_REF),
                         "BUG: kernel BUG at page_alloc.c")

    def test_in_use_pages_taken_off_the_lru_are_found_exactly(self) -> None:
        for lab, hook in (("03-do-wp-page/bad/unconditional-del.c", "do_wp_page"),
                          ("03-do-wp-page/bad/count-two.c", "do_wp_page"),
                          ("04-swap-cache/bad/unconditional-del.c",
                           "free_page_and_swap_cache")):
            for flavour in paths.FLAVOURS:
                with self.subTest(lab=lab, flavour=flavour):
                    self.assert_each(self.boots(flavour, lab_path=LABS / lab),
                                     f"but off the LRU: {hook}'s hook took it off")

    def test_lru_cache_del_without_the_lock_is_caught_on_smp(self) -> None:
        # free_page_and_swap_cache sees count-1 pages at every exit: certain
        self.assert_each(self.boots("smp", lab_path=LABS / "04-swap-cache/bad/unlocked-del.c"),
                         "__lru_cache_del called at")

    # -- stuck CPUs and deadlocks: verdicts within seconds --------------------

    def assert_quick(self, results: list[qemu.BootResult]) -> None:
        for r in results:
            self.assertFalse(r.timed_out, r.problems())
            self.assertLess(r.seconds, VERDICT_SECONDS, r.problems())

    def test_a_hook_that_spins_is_a_watchdog_verdict(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                rs = self.boots(flavour, SPIN_IN_BH, workloads=("pin",))
                self.assert_each(rs, "stuck 1500 ms in bh context")
                self.assert_quick(rs)
                self.assertTrue(all(r.watchdog_ended for r in rs))
                sm = paths.build_dir() / f"System.map-{flavour}"
                first = qemu.decode_oops(rs[0].console, sm)[0]   # the stuck EIP
                self.assertIn(" lab_free_pages_ok_lru+", first)

    def test_taking_the_lru_lock_twice_is_a_deadlock_verdict_at_once(self) -> None:
        rs = self.boots("smp", lab_path=LABS / "02-leave-on-lru/bad/lru-cache-del-under-lock.c")
        self.assert_each(rs, "but this same context already holds it")
        self.assert_quick(rs)
        self.assertTrue(all(r.problems()[0].startswith("deadlock: ") for r in rs))

    def test_both_cpus_spinning_is_a_deadlock_verdict(self) -> None:
        rs = self.boots("smp", HOLD_AND_LOOP, workloads=("cow",))
        self.assert_each(rs, "LRULAB-DEADLOCK: every cpu is stuck (2 of 2)")
        self.assert_each(rs, "= pagemap_lru_lock, which cpu")
        self.assert_quick(rs)

    def test_spinning_with_interrupts_off_is_found_through_the_hosts_nmis(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                rs = self.boots(flavour, LOOP_IRQS_OFF, workloads=("cow",))
                self.assert_each(rs, "(interrupts off), pid ")
                self.assert_quick(rs)

    # -- one C dialect, and build errors in the student's terms -------------

    def test_a_c99_lab_compiles_and_passes_in_the_kernel(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                self.assert_clean(self.boots(flavour, C99_LOOP, n=1)[0])

    def test_stage_verdict_for_a_lab_that_does_not_compile(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            lab = Path(tmp) / "lab.c"
            lab.write_text('#include "lab.h"\nint lab_free_pages_ok_lru(struct page *p)\n'
                           '{\n\treturn PageLRU(p) +;\n}\n')
            v = stage.run(lab, self.tree, label="work/02-leave-on-lru/lab.c")
        self.assertFalse(v.passed)
        self.assertEqual([f.flavour for f in v.flavours], list(paths.FLAVOURS))
        for f in v.flavours:
            self.assertRegex(f.build_error or "",
                             rf"^{f.flavour}: work/02-leave-on-lru/lab\.c:4:\d+: error")
            self.assertNotIn("\n", f.build_error)
            self.assertNotIn("lrulab_lab", f.build_error)

    def test_stage_verdict_for_a_reference_solution(self) -> None:
        sol = LABS / "04-swap-cache" / "solution.c"
        v = stage.run(sol, self.tree)
        self.assertTrue(v.passed, v.to_json())
        self.assertEqual([f.flavour for f in v.flavours], list(paths.FLAVOURS))
        self.assertTrue(all(f.tests.get("swap") for f in v.flavours))
        run_dir = Path(v.run_dir)
        self.assertTrue((run_dir / "verdict.json").is_file())
        self.assertTrue((run_dir / "console-up.log").is_file())
        self.assertTrue((run_dir / "console-smp.log").is_file())

    def test_runs_never_share_logs(self) -> None:
        a = stage.run(None, self.tree, flavours=("up",), workloads=("cow",))
        b = stage.run(None, self.tree, flavours=("up",), workloads=("cow",))
        self.assertNotEqual(a.run_id, b.run_id)
        self.assertNotEqual(a.flavours[0].console_log, b.flavours[0].console_log)
        self.assertTrue(Path(a.flavours[0].console_log).stat().st_size > 0)
        with self.assertRaises(qemu.QemuError):
            qemu.boot(paths.build_dir() / "bzImage-up", guest.build(), Path(a.run_dir), "up")


if __name__ == "__main__":
    unittest.main()
