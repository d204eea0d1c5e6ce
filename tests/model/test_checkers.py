"""Each checker fires on a tiny broken example (model/tests/test_checkers.c)."""
import subprocess
import unittest

from tests.util import BUILD, ENV, ROOT


class CheckerUnitTests(unittest.TestCase):
    def test_every_case_passes(self) -> None:
        proc = subprocess.run([str(BUILD / "model-tests")], capture_output=True,
                              text=True, timeout=300, env=ENV, cwd=ROOT)
        self.assertNotIn("ERROR: AddressSanitizer", proc.stderr)
        self.assertNotIn("runtime error:", proc.stderr)
        lines = [l for l in proc.stdout.splitlines() if l.startswith(("PASS", "FAIL"))]
        self.assertGreaterEqual(len(lines), 20, proc.stdout)
        for line in lines:
            with self.subTest(case=line.split()[1]):
                self.assertTrue(line.startswith("PASS"), line)
        self.assertEqual(proc.returncode, 0, proc.stdout[-2000:])


if __name__ == "__main__":
    unittest.main()
