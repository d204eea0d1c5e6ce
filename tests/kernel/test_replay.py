"""The model's failing schedules replayed in the kernel (runner/kernel/replay.py,
harness/lrulab-replay.patch): the plan a schedule gives, and with a tree, bad
variants the kernel stage passes without a replay rejected with one, in
REPEAT of REPEAT boots, and the references passing with a replay attached."""
import re
import unittest

from runner.kernel import paths, replay, stage
from runner.labs import load
from tests.kernel.support import tools_or_skip, tree_or_skip
from tests.util import ROOT

REPEAT = 3
# bad variants that pass the kernel stage's workloads (not in test_lab_stage's
# CAUGHT) and that the replay of the model's schedule makes the kernel reject,
# with the LRULAB-CHECK that rejects them (docs/kernel.md, verdict table)
REPLAYED = {
    "02-leave-on-lru": {"flawed-0207": "double free", "ignores-flag": "double free"},
}
# a replay attached to each reference: one of the lab's bad variants' plans
REFERENCE_REPLAY = {"02-leave-on-lru": "flawed-0207", "03-do-wp-page": "unlocked-del",
                    "04-swap-cache": "fpsc-count-two"}


def step(n: int, cpu: int, ctx: int, name: str, kind: str, what: str, where: str,
         page=0, hook=None) -> dict:
    return {"step": n, "cpu": cpu, "ctx": ctx, "name": name, "kind": kind, "what": what,
            "where": where, "page": page, "hook": hook}


# the 7 Feb 2002 race as the model's trace shows it (abridged)
SEVEN_FEB = [
    step(1, 0, 0, "aio", "task", "start", "aio", None),
    step(2, 0, 2, "aio_complete", "hardirq", "start", "aio_complete", None),
    step(3, 0, 2, "aio_complete", "hardirq", "put_page_testzero", "__free_pages"),
    step(4, 1, 1, "kswapd", "task", "page_count", "shrink_cache"),
    step(5, 1, 1, "kswapd", "task", "get_page", "lab_shrink_cache_zero_count",
         hook="lab_shrink_cache_zero_count"),
    step(6, 1, 1, "kswapd", "task", "page_count", "shrink_cache", page=1),
    step(7, 0, 2, "aio_complete", "hardirq", "PageLRU", "lab_free_pages_ok_lru",
         hook="lab_free_pages_ok_lru"),
]


class PlanTest(unittest.TestCase):
    def test_a_freer_preempted_before_its_hook_waits_for_shrink_cache(self) -> None:
        plan = replay.plan_for({"trace": SEVEN_FEB, "minimized": {"schedule": "0*1 i0 0 1*3"}})
        self.assertEqual(plan.rule, f"hold:free:irq:shrink-done:{replay.WAIT_MS}")
        self.assertEqual(plan.flavours, ("smp",))
        self.assertIn("race", plan.workloads)
        self.assertEqual(plan.kernel_words()[-1], f"lrulab_replay={plan.rule}")

    def test_an_interrupt_at_a_point_is_raised_there(self) -> None:
        trace = [step(1, 0, 1, "munmap", "task", "UnlockPage", "free_page_and_swap_cache"),
                 step(2, 0, 0, "aio_complete", "hardirq", "start", "aio_complete", None),
                 step(3, 0, 0, "aio_complete", "hardirq", "put_page_testzero", "__free_pages"),
                 step(4, 0, 1, "munmap", "task", "page_count",
                      "lab_free_page_and_swap_cache_release",
                      hook="lab_free_page_and_swap_cache_release")]
        plan = replay.plan_for({"trace": trace, "minimized": {"schedule": "0 i0"}})
        self.assertEqual(plan.rule, f"raise:fpsc:task:pin-done:{replay.WAIT_MS}")
        self.assertEqual(plan.flavours, ("up", "smp"))
        self.assertEqual(plan.workloads[0], "pin")

    def test_a_preemption_inside_the_labs_hook_has_no_kernel_point(self) -> None:
        trace = [dict(s) for s in SEVEN_FEB]
        trace[2].update(what="TryLockPage", where="lab_free_pages_ok_lru",
                        hook="lab_free_pages_ok_lru")
        plan = replay.plan_for({"trace": trace, "minimized": {"schedule": "0*1 i0 0 1*3"}})
        self.assertIsNone(plan.rule)
        self.assertIn("TryLockPage in lab_free_pages_ok_lru", plan.why)

    def test_a_failure_of_the_default_schedule_needs_no_replay(self) -> None:
        plan = replay.plan_for({"trace": SEVEN_FEB, "minimized": {"schedule": ""}})
        self.assertIsNone(plan.rule)
        self.assertEqual(plan.kernel_words(), ())

    def test_every_point_a_plan_names_is_one_the_kernel_knows(self) -> None:
        text = (paths.PATCHES / "harness" / "lrulab-replay.patch").read_text()
        table = re.search(r"rp_name\[NR_RP\] = \{(.*?)\};", text, re.S)
        self.assertIsNotNone(table)
        kernel = set(re.findall(r'"([a-z-]+)"', table.group(1)))
        ours = set(replay.BEFORE) | {f"{p}-done" for p in replay.BEFORE} | {"pin-done"}
        self.assertEqual(ours - kernel, set())
        self.assertLessEqual(replay.WAIT_MS, 1000, "the kernel refuses waits over 1 s")

    def test_the_models_own_schedule_of_the_7_feb_variant(self) -> None:
        lab = load("02-leave-on-lru")
        bad = ROOT / "labs/02-leave-on-lru/bad/flawed-0207.c"
        plan = replay.plan_for_lab(lab, bad, str(bad))
        self.assertEqual(plan.rule, f"hold:free:irq:shrink-done:{replay.WAIT_MS}", plan.why)
        good = ROOT / "labs/02-leave-on-lru/solution.c"
        self.assertIsNone(replay.plan_for_lab(lab, good, str(good)).rule)


class KernelReplay(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, "i686-linux-gnu-gcc", "qemu-system-i386", "genext2fs")

    def _plan(self, lab_id: str, variant: str) -> replay.Plan:
        bad = ROOT / "labs" / lab_id / "bad" / f"{variant}.c"
        plan = replay.plan_for_lab(load(lab_id), bad, str(bad))
        self.assertIsNotNone(plan.rule, plan.why)
        return plan

    def test_replayed_schedules_make_the_kernel_reject_them(self) -> None:
        for lab_id, variants in REPLAYED.items():
            for variant, check in variants.items():
                plan = self._plan(lab_id, variant)
                bad = ROOT / "labs" / lab_id / "bad" / f"{variant}.c"
                for i in range(REPEAT):
                    with self.subTest(lab=lab_id, variant=variant, boot=i):
                        v = stage.run(bad, tree=self.tree, flavours=plan.flavours,
                                      plan=plan, label=str(bad))
                        self.assertFalse(v.passed, v.to_json())
                        fv = v.flavours[0]
                        self.assertEqual(fv.replay, plan.rule)
                        console = open(fv.console_log, errors="replace").read()
                        self.assertIn("lrulab: replay met", console, fv.console_log)
                        self.assertTrue(any(check in p for p in fv.problems), fv.problems)

    def test_a_replay_never_makes_a_reference_fail(self) -> None:
        for lab_id, variant in REFERENCE_REPLAY.items():
            plan = self._plan(lab_id, variant)
            good = ROOT / "labs" / lab_id / "solution.c"
            for i in range(REPEAT):
                with self.subTest(lab=lab_id, replay=plan.rule, boot=i):
                    v = stage.run(good, tree=self.tree, flavours=plan.flavours, plan=plan,
                                  label=str(good))
                    self.assertTrue(v.passed, v.to_json())
                    self.assertTrue(all(fv.replay == plan.rule for fv in v.flavours))
