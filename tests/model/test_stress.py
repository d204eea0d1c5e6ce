"""The stress harness (make bench): the same mm code on real threads still links and runs."""
import subprocess
import unittest

from tests.util import BUILD, ROOT


class StressHarness(unittest.TestCase):
    def test_it_builds_and_runs_a_moment(self) -> None:
        # make bench is not in the test run: without this, a model change that
        # the native build lacks (weak memory, barriers) went unnoticed
        made = subprocess.run(["make", "-s", str(BUILD.relative_to(ROOT) / "stress")],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
        self.assertEqual(made.returncode, 0, made.stderr[-2000:])
        out = subprocess.run([str(BUILD / "stress"), "--variant", "flawed-0207",
                              "--scenario", "put-vs-shrink", "--seconds", "0.2"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr[-2000:])
        self.assertRegex(out.stdout, r"iterations: [1-9]\d*")
        self.assertRegex(out.stdout, r"hits: \d+")
