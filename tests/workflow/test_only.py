"""./lab test ID --only NAME and --list-tests: one test or question, in full."""
import json
import unittest

from tests.util import ROOT
from tests.workflow.support import lab

LAB02 = ROOT / "labs" / "02-leave-on-lru"


class ListTests(unittest.TestCase):
    def test_lists_every_test_and_question(self) -> None:
        out = lab("test", "02-leave-on-lru", "--list-tests")
        self.assertEqual(out.returncode, 0, out.stderr)
        data = json.loads((LAB02 / "lab.json").read_text())
        names = [line.split()[0] for line in out.stdout.splitlines()]
        self.assertEqual(names, [t["name"] for t in data["tests"]] +
                         [q["id"] for q in data["questions"]] + ["kernel-up", "kernel-smp"])

    def test_questions_only_lab_has_no_kernel_line(self) -> None:
        out = lab("test", "01-race-0207", "--list-tests")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertNotIn("kernel-", out.stdout)


class Only(unittest.TestCase):
    def test_one_failing_test_in_full(self) -> None:
        bad = LAB02 / "bad" / "static-counter.c"
        out = lab("test", "02-leave-on-lru", "--file", str(bad), "--only", "two-pages-left")
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        results = [l for l in out.stdout.splitlines() if l.startswith(("PASS", "FAIL"))]
        self.assertEqual(len(results), 1, out.stdout)
        self.assertTrue(results[0].startswith("FAIL two-pages-left"))
        self.assertIn("FAILURE [", out.stdout)
        self.assertIn("minimized schedule", out.stdout)
        self.assertIn("Score: 0/10", out.stdout)

    def test_one_passing_test(self) -> None:
        out = lab("test", "02-leave-on-lru", "--file", str(LAB02 / "solution.c"),
                  "--only", "no-double-free")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("Score: 15/15", out.stdout)

    def test_a_question_needs_no_lab_c(self) -> None:
        out = lab("test", "02-leave-on-lru", "--file", "/nonexistent/lab.c",
                  "--answers", str(LAB02 / "answers.txt"), "--only", "q2")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertNotIn("static check", out.stdout)
        self.assertIn("PASS q2 (number)", out.stdout)
        self.assertIn("Score: 5/5", out.stdout)

    def test_refusals(self) -> None:
        for args, why in [(["--only", "nope"], "--only nope: 02-leave-on-lru has no test"),
                          (["--only", "q1", "--stage", "kernel"], "--only q1: a model test")]:
            out = lab("test", "02-leave-on-lru", *args)
            self.assertEqual(out.returncode, 2, out.stdout)
            self.assertIn(why, out.stderr)
            self.assertEqual(len(out.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
