"""The harness in the real kernel: reference labs pass, historical variants are caught.

Each case copies a lab.c into the patched tree (incremental rebuild), boots
it with the pin (interrupt-time frees) and pressure (shrink_cache) workloads
and judges the console and the /proc/lrulab counters.  Needs a 2.4.17 tree.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner.kernel import build, guest, paths, qemu, stage

from .support import tools_or_skip, tree_or_skip

WORKLOADS = ("cow", "swap", "pin", "pressure")
LABS = paths.REPO / "labs"

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
FLAWED_0207 = """#include "lab.h"
int lab_free_pages_ok_lru(struct page *page)
{
	return PageLRU(page);
}

int lab_shrink_cache_zero_count(struct page *page, int *nr_pages)
{
	page_cache_get(page);
	__lru_cache_del(page);
	page_cache_release(page);
	return 0;
}
"""
RACE_DELAY = "lrulab_delay=2000"     # microseconds at the delay point
RACE_BOOTS = 5                       # measured hit rate 18/20 per boot: a miss is ~1e-5


class HarnessTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", "genext2fs", "mkswap", qemu.QEMU)

    def run_lab(self, flavour: str, lab_text: str | None = None,
                lab_path: Path | None = None,
                workloads: tuple[str, ...] = WORKLOADS) -> qemu.BootResult:
        tree = self.tree
        with tempfile.TemporaryDirectory() as tmp:
            if lab_text is not None:
                lab_path = Path(tmp) / "lab.c"
                lab_path.write_text(lab_text)
            b = build.build(tree, flavour, lab=lab_path)
        return qemu.boot(b.bzimage, guest.build(), paths.build_dir() / "runs" / "test",
                         flavour, smp=flavour == "smp", workloads=workloads, timeout=180)

    def assert_clean(self, r: qemu.BootResult) -> None:
        tail = "\n".join(r.console.splitlines()[-20:])
        self.assertEqual(r.problems(), [], f"console tail:\n{tail}")
        self.assertEqual(r.status, 0, r.report)
        c = r.counters()
        self.assertGreaterEqual(c["freed_on_lru_bh"], 64, "the timer freed pinned LRU pages")

    def test_no_lab_is_the_12_feb_patch(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                r = self.run_lab(flavour)
                self.assert_clean(r)
                c = r.counters()
                self.assertEqual(c["left_on_lru"], c["reclaimed_zero_count"])
                self.assertEqual(c["lru_zero_count"], 0)

    def test_reference_solutions_pass_up_and_smp(self) -> None:
        solutions = sorted(LABS.glob("*/solution.c"))
        if not solutions:
            self.skipTest("SKIPPED: no labs/*/solution.c in this checkout")
        for sol in solutions:
            for flavour in paths.FLAVOURS:
                with self.subTest(lab=sol.parent.name, flavour=flavour):
                    self.assert_clean(self.run_lab(flavour, lab_path=sol))

    def test_vanilla_pre9_takes_the_lru_lock_at_interrupt_time(self) -> None:
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour):
                r = self.run_lab(flavour, VANILLA_PRE9)
                self.assertTrue(any("pagemap_lru_lock taken in bh context by lru_cache_del"
                                    in p for p in r.problems()), r.problems())
                self.assertFalse(r.timed_out, "caught, not hung")

    def test_6_feb_in_interrupt_bug_fires(self) -> None:
        r = self.run_lab("up", IRQ_BUG_0206)
        self.assertTrue(any(p.startswith("BUG: kernel BUG at lrulab_lab.c")
                            for p in r.problems()), r.problems())

    def test_leaving_a_page_unmarked_leaks_it(self) -> None:
        r = self.run_lab("up", LEAVE_UNMARKED)
        self.assertTrue(any(p.startswith("leak: ") for p in r.problems()), r.problems())

    def test_lab03_double_release_is_a_double_free(self) -> None:
        r = self.run_lab("up", WP_DOUBLE_RELEASE)
        self.assertTrue(any("LRULAB-CHECK: double free" in p for p in r.problems()),
                        r.problems())

    def test_lab04_dropping_the_callers_reference_is_caught(self) -> None:
        r = self.run_lab("up", SWAP_DROPS_CALLERS_REF)
        self.assertTrue(any(p.startswith("BUG: kernel BUG at page_alloc.c") for p in r.problems()),
                        r.problems())

    def test_7_feb_race_is_a_double_free_on_smp_with_delay_points(self) -> None:
        for boot in range(1, RACE_BOOTS + 1):
            r = self.run_lab("smp", FLAWED_0207, workloads=("race", RACE_DELAY))
            if any("LRULAB-CHECK: double free" in p for p in r.problems()):
                return
        self.fail(f"the 7 Feb race was not caught in {RACE_BOOTS} SMP boots")

    def test_12_feb_fix_survives_the_race_with_delay_points(self) -> None:
        r = self.run_lab("smp", None, workloads=("race", "pressure", RACE_DELAY))
        self.assertEqual(r.problems(), [], "\n".join(r.console.splitlines()[-15:]))
        self.assertGreater(r.counters().get("delayed", 0), 0, "the delay point was reached")

    def test_stage_verdict_for_a_lab_that_does_not_compile(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            lab = Path(tmp) / "lab.c"
            lab.write_text('#include "lab.h"\nint lab_free_pages_ok_lru(struct page *p)\n'
                           '{\n\treturn PageLRU(p) +;\n}\n')
            v = stage.run(lab, self.tree, flavours=("up",))
        self.assertFalse(v.passed)
        self.assertRegex(v.build_error or "", r"lrulab_lab\.c:4:\d+: error")
        self.assertNotIn("\n", v.build_error or "")

    def test_stage_verdict_for_a_reference_solution(self) -> None:
        sol = LABS / "04-swap-cache" / "solution.c"
        if not sol.is_file():
            self.skipTest("SKIPPED: labs/04-swap-cache/solution.c not in this checkout")
        v = stage.run(sol, self.tree)
        self.assertTrue(v.passed, v.to_json())
        self.assertEqual([f.flavour for f in v.flavours], list(paths.FLAVOURS))
        self.assertTrue(all(f.tests.get("swap") for f in v.flavours))

    def test_a_hanging_lab_is_a_timeout_and_qemu_is_killed(self) -> None:
        hang = '#include "lab.h"\nint lab_free_pages_ok_lru(struct page *p)\n{\n' \
               '\tif (PageLRU(p))\n\t\tfor (;;)\n\t\t\t;\n\treturn 0;\n}\n'
        with tempfile.TemporaryDirectory() as tmp:
            lab = Path(tmp) / "lab.c"
            lab.write_text(hang)
            b = build.build(self.tree, "up", lab=lab)
        r = qemu.boot(b.bzimage, guest.build(), paths.build_dir() / "runs" / "test", "up",
                      workloads=("pin",), timeout=20)
        self.assertTrue(r.timed_out)
        self.assertTrue(any(p.startswith("hang:") for p in r.problems()), r.problems())
        if shutil.which("pgrep"):
            ps = subprocess.run(["pgrep", "-f", str(b.bzimage)], capture_output=True, text=True)
            self.assertEqual(ps.stdout.strip(), "", "QEMU was reaped")

    def test_freeing_a_page_still_on_the_lru_is_caught(self) -> None:
        r = self.run_lab("up", FREE_ON_LRU)
        self.assertTrue(any("freed while still on the LRU" in p for p in r.problems()),
                        r.problems())


if __name__ == "__main__":
    unittest.main()
