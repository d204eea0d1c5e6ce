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
            self.assertIn(Path(".github/workflows/lrulab.yml"), files)   # GitHub Classroom
            readme = (kit / "README.md").read_text()
            for secret in ("solution.c", "bad/", "good/", "answers.txt (the key)", "tests/"):
                self.assertNotIn(secret, readme)
            # the reference objects name no function of their own but the hooks
            for obj in (kit / "model" / "ref").glob("*.o"):
                nm = subprocess.run(["nm", str(obj)], capture_output=True, text=True).stdout
                local = [l for l in nm.splitlines() if l.split()[-2:-1] == ["t"]]
                self.assertEqual(local, [], obj.name)
            # the README's quick start, as written, then a lab test
            work = Path(tmp) / "work"
            env = {"LRULAB_WORK": str(work), "PATH": "/usr/bin:/bin", "HOME": tmp}
            for command in quick_start(readme):
                with self.subTest(command=command):
                    run = subprocess.run(command, shell=True, cwd=kit, env=env,
                                         capture_output=True, text=True, timeout=900)
                    self.assertEqual(run.returncode, 0, run.stderr[-2000:])
            self.assertEqual((work / "student").read_text().strip(), "YOUR-ID")
            subprocess.run([str(kit / "lab"), "start", "03-do-wp-page"], env=env,
                           check=True, capture_output=True)
            out = subprocess.run([str(kit / "lab"), "test", "03-do-wp-page"], env=env,
                                 cwd=kit, capture_output=True, text=True)
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("static check: ok", out.stdout)
            self.assertIn("Score: 0/100", out.stdout)
            # what the kit does not offer says so, in one line
            for command, says in ((["make", "test"], "no project tests"),
                                  ([str(kit / "lab"), "selftest"], "self-test")):
                run = subprocess.run(command, cwd=kit, env=env, capture_output=True, text=True)
                self.assertEqual(run.returncode, 2, run.stdout + run.stderr)
                self.assertIn(says, run.stderr)


def quick_start(readme: str) -> list[str]:
    """The commands of the README's first shell block."""
    block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines()
            if line.split("#", 1)[0].strip()]


if __name__ == "__main__":
    unittest.main()
