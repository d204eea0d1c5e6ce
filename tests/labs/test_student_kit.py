"""make student-kit: no answers in it, and a student can still build and test."""
import subprocess
import tempfile
import unittest
from pathlib import Path

from tests.util import ROOT


class StudentKit(unittest.TestCase):
    def test_kit_has_no_answers_and_works(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            kit = Path(tmp) / "kit"
            subprocess.run(["python3", "-m", "runner.student_kit", "--out", str(kit)],
                           cwd=ROOT, check=True, capture_output=True)
            files = [p.relative_to(kit) for p in kit.rglob("*") if p.is_file()]
            names = {p.name for p in files}
            self.assertNotIn("solution.c", names)
            self.assertNotIn("answers.txt", names)
            self.assertFalse([p for p in files if "bad" in p.parts or "good" in p.parts], files)
            self.assertFalse([p for p in files if "reference" in p.parts])
            for p in files:
                if p.suffix in (".c", ".h", ".json", ".md"):
                    self.assertNotIn("BEGIN SOLUTION", (kit / p).read_text(errors="replace"),
                                     str(p))
            self.assertIn(Path("labs/03-do-wp-page/skeleton.c"), files)
            build = subprocess.run(["make", "-s", "-j2", "model"], cwd=kit,
                                   capture_output=True, text=True)
            self.assertEqual(build.returncode, 0, build.stderr[-2000:])
            work = Path(tmp) / "work"
            env = {"LRULAB_WORK": str(work), "PATH": "/usr/bin:/bin"}
            subprocess.run([str(kit / "lab"), "start", "03-do-wp-page"], env=env,
                           check=True, capture_output=True)
            out = subprocess.run([str(kit / "lab"), "test", "03-do-wp-page"], env=env,
                                 capture_output=True, text=True)
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("static check: ok", out.stdout)
            self.assertIn("Score: 0/100", out.stdout)


if __name__ == "__main__":
    unittest.main()
