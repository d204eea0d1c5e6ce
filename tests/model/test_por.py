"""Partial-order reduction (lrusim --por on, model/src/explore.c) loses no failure.

Every schedule the reduced search runs is one the full search runs too, within
the same preemption bound, so what the full search finds clean stays clean.
What must be shown is the other direction: each failure the full search finds,
the reduced one finds as well, with the same checker, by the same strategy, at
the same least bound.  Shown here for every historical variant in every
scenario, for the thread's claims as the acceptance tests ask them, for the
weak-memory counterexample, and for every lab's bad variants and references
with the strategies their tests grade them with.
"""
import json
import re
import subprocess
import unittest
from pathlib import Path

from tests.util import ENV, LRUSIM_FAST, ROOT, lrusim

REJECTED_BY = re.compile(r"/\*\s*rejected by:\s*([\w.-]+)\s*\*/")
TIMEOUT = 600


def result(binary: Path, por: str, *args: str) -> dict:
    """lrusim's JSON result (docs/lrusim-json.md) with --por POR."""
    proc = subprocess.run([str(binary), "--json", "--por", por, *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env=ENV, cwd=ROOT)
    assert proc.returncode in (0, 1), (args, proc.returncode, proc.stderr[-2000:])
    data = json.loads(proc.stdout)
    assert data["por"] == (por == "on"), data["por"]
    return data


def verdict(data: dict) -> tuple:
    """What a search found: the checker, the strategy that found it, its least bound."""
    f = data["failure"]
    return (f["checker"], f["strategy"], f["bound"]) if f else None


def schedules(data: dict) -> int:
    return sum(s["schedules"] for s in data["strategies"])


class Historical(unittest.TestCase):
    """The variants of the thread and of later history, every scenario, dfs:2
    (the acceptance tests' bound) on the optimized build: the full search of the
    clean ones is millions of steps."""

    def test_every_variant_every_scenario(self) -> None:
        listing = json.loads(lrusim("--list", "--json", fast=True).stdout)
        total = {"on": 0, "off": 0}
        for variant in listing["variants"]:
            for scenario in listing["scenarios"]:
                with self.subTest(variant=variant, scenario=scenario):
                    args = ("--variant", variant, "--scenario", scenario, "--strategy", "dfs:2")
                    off, on = (result(LRUSIM_FAST, p, *args) for p in ("off", "on"))
                    self.assertEqual(verdict(on), verdict(off))
                    total["off"] += schedules(off)
                    total["on"] += schedules(on)
        self.assertLess(total["on"], total["off"], total)

    def test_the_claims_as_the_acceptance_tests_ask_them(self) -> None:
        """tests/model/test_acceptance.py's searches, checker and bound as there."""
        cases = [
            ("vanilla-pre9", "aio-munmap", "irq-safety", "dfs:0", []),
            ("vanilla-pre9", "aio-munmap", "deadlock", "dfs:2", []),
            ("vanilla-pre9", "aio-munmap", "lru-corruption", "dfs:2", ["--up"]),
            ("vanilla-pre9", "swap-exit", "default", "dfs:2", []),
            ("irq-bug-0206", "aio-munmap", "bug", "dfs:1", []),
            ("flawed-0207", "put-vs-shrink", "double-free", "dfs:2", []),
            ("flawed-0207", "aio-munmap", "default", "dfs:3", []),
            ("flawed-0207", "aio-munmap", "double-free", "dfs:1", []),
        ]
        for variant, scenario, check, strategy, extra in cases:
            with self.subTest(variant=variant, scenario=scenario, check=check):
                args = ("--variant", variant, "--scenario", scenario, "--check", check,
                        "--strategy", strategy, *extra)
                off, on = (result(LRUSIM_FAST, p, *args) for p in ("off", "on"))
                self.assertIsNotNone(verdict(off))
                self.assertEqual(verdict(on), verdict(off))

    def test_the_barrier_counterexample_under_weak_memory(self) -> None:
        """Hugh's barrier question (docs/memory-model.md): fix-0212 fails under
        --memory weak at bound 3 both ways; the smp_rmb variant stays clean."""
        args = ("--variant", "fix-0212", "--scenario", "unlock-then-free", "--memory", "weak",
                "--strategy", "dfs:4")
        off, on = (result(LRUSIM_FAST, p, *args) for p in ("off", "on"))
        self.assertEqual(verdict(off)[2], 3, verdict(off))
        self.assertEqual(verdict(on), verdict(off))
        for memory in ("tso", "weak"):
            with self.subTest(memory=memory):
                for por in ("off", "on"):
                    data = result(LRUSIM_FAST, por, "--variant", "fix-0212-rmb", "--scenario",
                                  "unlock-then-free", "--memory", memory, "--strategy", "dfs:4")
                    self.assertIsNone(data["failure"], (por, data["failure"]))

    def test_the_sanitizers_see_the_reduced_search(self) -> None:
        """The footprints and sleep sets under ASan/UBSan (tests.util.lrusim)."""
        out = lrusim("--json", "--por", "on", "--variant", "fix-0212", "--scenario",
                     "cow-reclaim", "--strategy", "dfs:2")
        self.assertEqual(out.returncode, 0, out.stdout[-2000:])
        out = lrusim("--json", "--por", "on", "--variant", "vanilla-pre9", "--scenario",
                     "aio-munmap", "--up", "--check", "lru-corruption", "--strategy", "dfs:2")
        self.assertEqual(json.loads(out.stdout)["failure"]["checker"], "lru-corruption")

    def test_it_reduces_and_says_so(self) -> None:
        args = ("--variant", "fix-0212", "--scenario", "aio-munmap", "--strategy", "dfs:2")
        off, on = (result(LRUSIM_FAST, p, *args) for p in ("off", "on"))
        self.assertLess(schedules(on) * 2, schedules(off), (schedules(on), schedules(off)))
        self.assertEqual(off["strategies"][0]["pruned"], 0)
        default = json.loads(lrusim("--json", *args, fast=True).stdout)
        self.assertFalse(default["por"])    # the answer keys' search (main.c POR_DEFAULT)
        bad = lrusim("--por", "maybe", *args, fast=True)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--por", bad.stderr)


class Labs(unittest.TestCase):
    """Each lab's bad variants fail their named test alike with --por on and
    off (same checker, strategy, bound, counters); the references and the
    correct rewrites in good/ pass every test both ways."""

    @staticmethod
    def _args(test) -> list[str]:
        args = ["--variant", "student", "--scenario", test.scenario, "--check", test.check,
                "--cpus", str(test.cpus), "--memory", test.memory]
        for one in test.strategies:
            args += ["--strategy", one]
        return args + (["--up"] if test.up else [])

    def _outcomes(self, binary: Path, test) -> tuple:
        off, on = (result(binary, p, *self._args(test)) for p in ("off", "on"))
        return (verdict(off), off["counters"]), (verdict(on), on["counters"])

    def test_bad_variants_and_references(self) -> None:
        import tempfile
        from runner import labs
        from runner.model.build import build_lab_binary
        from runner.model.lrusim import counter_holds
        from runner.skeleton import strip_markers
        from runner.static_check import StaticCheckError
        with tempfile.TemporaryDirectory() as tmp:
            for lab in labs.all_labs():
                if not lab.has_code:
                    continue
                tests = {t.name: t for t in lab.tests}
                ref = Path(tmp) / f"{lab.id}.c"
                ref.write_text(strip_markers(lab.solution.read_text()))
                for good in [ref, *lab.good_variants()]:
                    binary = build_lab_binary(lab, good, good.name)
                    for test in lab.tests:
                        with self.subTest(lab=lab.id, good=good.name, test=test.name):
                            off, on = self._outcomes(binary, test)
                            self.assertEqual((off[0], on[0]), (None, None))
                for bad in lab.bad_variants():
                    name = REJECTED_BY.search(bad.read_text().splitlines()[0])[1]
                    test = tests[name]
                    with self.subTest(lab=lab.id, bad=bad.name, test=name):
                        try:
                            binary = build_lab_binary(lab, bad, bad.name)
                        except StaticCheckError:
                            continue    # rejected before the model runs: no search
                        off, on = self._outcomes(binary, test)
                        self.assertEqual(on, off)
                        wasteful = any(not counter_holds(off[1][k], c)
                                       for k, c in test.counters.items())
                        self.assertTrue(off[0] is not None or wasteful, "not rejected")


if __name__ == "__main__":
    unittest.main()
