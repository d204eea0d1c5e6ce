"""The model shows what the February 2002 thread says about each variant.

Each test is one claim of the thread (or of later history), run through the
sanitizer-built model.
"""
import unittest

from tests.util import field, lrusim

SCENARIOS = ["aio-munmap", "put-vs-shrink", "cow-reclaim", "cow-shared", "swap-exit",
             "swapcache-munmap"]


class HistoricalFailures(unittest.TestCase):
    def test_pre9_irq_free_is_not_irq_safe(self) -> None:
        """Andrew Morton, 6 Feb <3C618863.DA7AC3B9@zip.com.au>: lru_cache_del
        from an interrupt is a bug; lockdep's view of it."""
        out = lrusim("--variant", "vanilla-pre9", "--scenario", "aio-munmap",
                     "--check", "irq-safety", "--strategy", "dfs:0")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [irq-safety]", out.stdout)
        self.assertIn("pagemap_lru_lock", out.stdout)
        self.assertIn("hardirq", out.stdout)

    def test_pre9_deadlocks_on_smp(self) -> None:
        out = lrusim("--variant", "vanilla-pre9", "--scenario", "aio-munmap",
                     "--check", "deadlock", "--strategy", "dfs:2")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [deadlock]", out.stdout)
        self.assertIn("spins on pagemap_lru_lock", out.stdout)
        self._replays(out.stdout, "vanilla-pre9", "aio-munmap", "deadlock")

    def test_pre9_corrupts_lru_on_up(self) -> None:
        out = lrusim("--variant", "vanilla-pre9", "--scenario", "aio-munmap",
                     "--up", "--check", "lru-corruption", "--strategy", "dfs:2")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [lru-corruption]", out.stdout)
        self.assertIn("1 cpu (UP kernel)", out.stdout)
        self._replays(out.stdout, "vanilla-pre9", "aio-munmap", "lru-corruption",
                      "--up")

    def test_irq_bug_0206_fires(self) -> None:
        out = lrusim("--variant", "irq-bug-0206", "--scenario", "aio-munmap",
                     "--check", "bug", "--strategy", "dfs:1")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [bug]", out.stdout)
        self.assertIn("hardirq aio_complete", out.stdout)

    def test_flawed_0207_double_free_from_scratch(self) -> None:
        """Hugh Dickins, 7 Feb <Pine.LNX.4.21.0202071930320.1533-100000@
        localhost.localdomain>: final put_page racing shrink_cache frees twice."""
        out = lrusim("--variant", "flawed-0207", "--scenario", "put-vs-shrink",
                     "--check", "double-free", "--strategy", "dfs:2")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [double-free]", out.stdout)
        self.assertIn("kswapd", field(out.stdout, "FAILURE [double-free] double free"))
        self._replays(out.stdout, "flawed-0207", "put-vs-shrink", "double-free")

    def test_flawed_0207_double_free_by_pct(self) -> None:
        out = lrusim("--variant", "flawed-0207", "--scenario", "put-vs-shrink",
                     "--check", "double-free", "--strategy", "pct:1:1000:3")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [double-free]", out.stdout)

    def _replays(self, output: str, variant: str, scenario: str, checker: str,
                 *extra: str) -> None:
        sched = field(output, "minimized schedule")
        self.assertIn("trace of the minimized schedule", output)
        again = lrusim("--variant", variant, "--scenario", scenario, *extra,
                       "--check", checker, "--strategy", f"replay:{sched}")
        self.assertEqual(again.returncode, 1, again.stdout)
        self.assertIn(f"FAILURE [{checker}]", again.stdout)


class FixedVariantsAreClean(unittest.TestCase):
    """fix-0212, defer-2427 and irqsafe-lru-25: no failure in any scenario,
    exhaustively with preemption bound 2 and with 10,000 PCT runs."""

    def _clean(self, variant: str, strategy: str) -> None:
        for scenario in SCENARIOS:
            with self.subTest(scenario=scenario, strategy=strategy):
                out = lrusim("--variant", variant, "--scenario", scenario,
                             "--strategy", strategy)
                self.assertEqual(out.returncode, 0, out.stdout[-3000:])
                self.assertIn("no failure found", out.stdout)

    def test_fix_0212_dfs(self) -> None:
        self._clean("fix-0212", "dfs:2")

    def test_fix_0212_pct(self) -> None:
        self._clean("fix-0212", "pct:1:10000:3")

    def test_defer_2427_dfs(self) -> None:
        self._clean("defer-2427", "dfs:2")

    def test_defer_2427_pct(self) -> None:
        self._clean("defer-2427", "pct:2:10000:3")

    def test_irqsafe_lru_25_dfs(self) -> None:
        self._clean("irqsafe-lru-25", "dfs:2")

    def test_irqsafe_lru_25_pct(self) -> None:
        self._clean("irqsafe-lru-25", "pct:3:10000:3")

    def test_fix_0212_leaves_irq_free_for_shrink_cache(self) -> None:
        """An interrupt-time free stays on the LRU and is reclaimed later."""
        out = lrusim("--variant", "fix-0212", "--scenario", "aio-munmap",
                     "--strategy", "replay:", "--counters")
        self.assertEqual(out.returncode, 0, out.stdout)
        counters = dict(kv.split("=") for kv in field(out.stdout, "counters").split())
        self.assertEqual(counters["left_on_lru"], "1", out.stdout)
        self.assertEqual(counters["reclaimed_zero_count"], "1", out.stdout)
        self.assertEqual(counters["lru_del_in_irq"], "0", out.stdout)


class CommandLine(unittest.TestCase):
    def test_bad_arguments_exit_2_naming_the_argument(self) -> None:
        cases = [
            (["--variant", "nope", "--scenario", "aio-munmap"], "nope"),
            (["--variant", "fix-0212", "--scenario", "nope"], "nope"),
            (["--variant", "fix-0212", "--scenario", "aio-munmap",
              "--strategy", "dfs:x"], "--strategy"),
            (["--variant", "fix-0212", "--scenario", "aio-munmap",
              "--strategy", "replay:0*x"], "bad schedule token"),
            (["--variant", "fix-0212", "--scenario", "aio-munmap",
              "--check", "nonsense"], "--check"),
            (["--scenario", "aio-munmap"], "--variant"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                out = lrusim(*args)
                self.assertEqual(out.returncode, 2, out.stderr)
                self.assertIn(needle, out.stderr)
                self.assertEqual(len(out.stderr.strip().splitlines()), 1)

    def test_list_names_every_variant_and_scenario(self) -> None:
        out = lrusim("--list")
        self.assertEqual(out.returncode, 0)
        for name in ["vanilla-pre9", "irq-bug-0206", "flawed-0207", "fix-0212",
                     "defer-2427", "irqsafe-lru-25", *SCENARIOS]:
            self.assertIn(name, out.stdout)

    def test_dot_timeline_is_written(self) -> None:
        import tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as tmp:
            dot = Path(tmp) / "t.dot"
            out = lrusim("--variant", "flawed-0207", "--scenario", "put-vs-shrink",
                         "--check", "double-free", "--dot", str(dot))
            self.assertEqual(out.returncode, 1)
            text = dot.read_text()
            self.assertIn("cluster_cpu0", text)
            self.assertIn("cluster_cpu1", text)
            self.assertIn("double free", text)


if __name__ == "__main__":
    unittest.main()
