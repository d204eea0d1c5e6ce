"""The model's failing schedules replayed in the kernel (runner/kernel/replay.py,
harness/lrulab-replay.patch): the plan a schedule gives.  The directed
replay boots are in tests/kernel/test_directed.py."""
import re
import unittest

from runner.kernel import paths, replay
from runner.labs import load
from tests.util import ROOT

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
        # the guest builds the scenario and arms the rule for its own page
        self.assertEqual(plan.workloads, (f"directed:{plan.rule}",))
        self.assertEqual(plan.kernel_words(), plan.workloads)
        self.assertTrue(plan.directed)

    def test_a_hold_without_a_directed_scenario_keeps_the_workloads(self) -> None:
        # two reclaimers: one held at shrink_cache while the other frees the page
        trace = [step(1, 1, 2, "kswapd", "task", "page_count", "shrink_cache"),
                 step(2, 0, 1, "allocator", "task", "put_page_testzero", "__free_pages_ok"),
                 step(3, 1, 2, "kswapd", "task", "get_page", "lab_shrink_cache_zero_count",
                      hook="lab_shrink_cache_zero_count")]
        plan = replay.plan_for({"trace": trace, "minimized": {"schedule": "1 0 1"}})
        self.assertTrue(plan.rule and plan.rule.startswith("hold:shrink:"), plan.why)
        self.assertFalse(plan.directed)
        self.assertEqual(plan.kernel_words()[-1], f"lrulab_replay={plan.rule}")

    def test_the_guest_builds_exactly_the_directed_scenarios(self) -> None:
        text = (ROOT / "guest" / "init.c").read_text()
        body = text[text.index("static void workload_directed"):]
        body = body[:body.index("\n}\n")]
        guest = set(re.findall(r'starts\(rule, "hold:([a-z-]+):"\)', body))
        self.assertEqual(guest, set(replay.DIRECTED))

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
