"""Several lrusim runs in one sandbox (runner/model/lrusim.py run_many)."""
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from runner.labs import BUILD
from runner.model import lrusim


def request(variant: str, scenario: str, strategy: str) -> lrusim.Request:
    return lrusim.Request(variant, scenario, [strategy])


class RunMany(unittest.TestCase):
    def test_each_run_has_its_own_result(self) -> None:
        runs = [request("fix-0212", "put-vs-shrink", "dfs:1"),
                request("flawed-0207", "put-vs-shrink", "dfs:2"),
                request("no-such-variant", "put-vs-shrink", "dfs:1"),
                request("fix-0212", "aio-munmap", "dfs:1")]
        clean, found, refused, last = lrusim.run_many(BUILD / "lrusim", runs)
        self.assertTrue(clean.ok and clean.schedules > 0, clean)
        self.assertEqual(found.failure and found.failure.checker, "double-free")
        self.assertIn("refused its arguments", refused.error)
        self.assertIn("no-such-variant", refused.error)
        self.assertTrue(last.ok and last.schedules > 0, last)
        # the same as each run alone
        alone = lrusim.run(BUILD / "lrusim", "flawed-0207", "put-vs-shrink", "dfs:2")
        self.assertEqual((alone.failure.schedule, alone.schedules),
                         (found.failure.schedule, found.schedules))

    def test_an_argument_is_never_shell_syntax(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            marker = Path(tmp) / "ran"
            schedule = f"replay:0 1; touch {marker} $(touch {marker}) `touch {marker}`\n'\""
            out, = lrusim.run_many(BUILD / "lrusim", [request("fix-0212", "aio-munmap",
                                                              schedule)])
            self.assertIn("bad schedule token", out.error)
            self.assertIn("touch", out.error)      # the argument arrived whole
            self.assertFalse(marker.exists())

    def test_a_run_out_of_time_is_stopped_and_the_next_still_runs(self) -> None:
        # pct with a hundred million runs: far more than a second
        runs = [request("fix-0212", "put-vs-shrink", "pct:1:100000000:3"),
                request("fix-0212", "aio-munmap", "dfs:1")]
        with mock.patch.object(lrusim, "RUN_TIMEOUT", 1), \
                mock.patch.object(lrusim, "run_untrusted",
                                  side_effect=lrusim.run_untrusted) as sandboxes:
            hung, fine = lrusim.run_many(BUILD / "lrusim", runs)
        self.assertEqual(sandboxes.call_count, 1)   # stopped by its own limit, in the batch
        self.assertIn("did not finish in 1 s", hung.error)
        self.assertTrue(fine.ok and fine.schedules > 0, fine)

    def test_a_nul_byte_stops_its_own_run_only(self) -> None:
        runs = [request("fix-0212", "aio-munmap", "replay:0\0 --variant flawed-0207"),
                request("flawed-0207", "put-vs-shrink", "dfs:2")]
        bad, found = lrusim.run_many(BUILD / "lrusim", runs)
        self.assertIn("NUL byte", bad.error)
        self.assertEqual(found.failure and found.failure.checker, "double-free")

    def test_a_run_the_sandbox_never_let_end_is_run_alone(self) -> None:
        real = lrusim.run_untrusted
        batches = []

        def killed_first(args, **kw):
            batches.append(len(kw["inputs"]))
            proc = real(args, **kw)
            if len(batches) == 1:       # as if the whole sandbox were killed
                for out in kw["outputs"]:
                    Path(out).unlink(missing_ok=True)
                proc.returncode = -9
            return proc
        runs = [request("fix-0212", "put-vs-shrink", "dfs:1"),
                request("flawed-0207", "put-vs-shrink", "dfs:2")]
        with mock.patch.object(lrusim, "run_untrusted", killed_first):
            clean, found = lrusim.run_many(BUILD / "lrusim", runs)
        self.assertEqual(len(batches), 3)       # the batch, then each run alone
        self.assertTrue(clean.ok)
        self.assertEqual(found.failure.checker, "double-free")


if __name__ == "__main__":
    unittest.main()
