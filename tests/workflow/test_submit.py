"""./lab submit: each refusal, the archive, and that ./lab grade takes it."""
import csv
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

from tests.util import ROOT
from tests.workflow.support import lab

LAB02 = ROOT / "labs" / "02-leave-on-lru"
GOOD_ANSWERS = "# mine\nq1: 0*11 i0 0*2 1\nq2: 1\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Student", "-c", "user.email=s@example.org",
                    "-c", "init.defaultBranch=main", *args], cwd=repo, check=True,
                   capture_output=True)


class Base(unittest.TestCase):
    """A student's work folder with the reference and right answers."""

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.work = self.root / "work"
        self.out = self.root / "alice.zip"
        self.assertEqual(lab("start", "02-leave-on-lru", work=str(self.work)).returncode, 0)
        self.lab_c = self.work / "02-leave-on-lru" / "lab.c"
        self.answers = self.work / "02-leave-on-lru" / "answers.txt"
        self.lab_c.write_text((LAB02 / "solution.c").read_text())
        self.answers.write_text(GOOD_ANSWERS)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def submit(self, *args: str) -> subprocess.CompletedProcess:
        # from the student's own folder, as they run it: fixes name paths from there
        return lab("submit", "--out", str(self.out), *args, work=str(self.work),
                   cwd=self.root)

    def refused(self, why: str, *args: str) -> None:
        self.out.write_bytes(b"an old archive")
        out = self.submit(*args)
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertIn(why, out.stderr)
        problems = [l for l in out.stderr.splitlines() if not l.startswith("submit: not ready")]
        self.assertEqual(len(problems), 1, out.stderr)
        self.assertFalse(self.out.exists(), "a refused hand-in leaves no archive")


class Submit(Base):
    def test_ready_and_the_grader_takes_it(self) -> None:
        out = self.submit()
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(f"ready: {self.out}", out.stdout)
        with zipfile.ZipFile(self.out) as zf:
            self.assertEqual(sorted(zf.namelist()),
                             ["02-leave-on-lru/answers.txt", "02-leave-on-lru/lab.c"])
            self.assertEqual(zf.read("02-leave-on-lru/lab.c"), self.lab_c.read_bytes())
        first = self.out.read_bytes()
        self.assertEqual(self.submit().returncode, 0)
        self.assertEqual(self.out.read_bytes(), first, "same work, same archive")
        subs, grades = self.root / "subs", self.root / "grades"
        subs.mkdir()
        (subs / "alice.zip").write_bytes(first)
        g = lab("grade", str(subs), "--out", str(grades), "--labs", "02-leave-on-lru",
                "-j", "1")
        self.assertEqual(g.returncode, 0, g.stderr)
        rows = list(csv.DictReader((grades / "gradebook.csv").open()))
        self.assertEqual(rows[0]["student"], "alice")
        self.assertEqual(rows[0]["status"], "graded")
        self.assertGreaterEqual(int(rows[0]["02-leave-on-lru"]), 90)

    def test_unanswered_is_a_note(self) -> None:
        self.answers.write_text("q1: 0*5 1\nq2:\n")
        out = self.submit()
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("note: work/02-leave-on-lru/answers.txt: no answer to q2 yet", out.stdout)

    def test_static_check(self) -> None:
        self.lab_c.write_text('#include "lab.h"\nint lab_free_pages_ok_lru(struct page *p)\n'
                              '{\n\treturn p->flags;\n}\n')
        self.refused("work/02-leave-on-lru/lab.c:4: struct member access")

    def test_misnamed_lab_c(self) -> None:
        self.lab_c.rename(self.lab_c.with_name("Lab02.c"))
        self.refused("lab.c: missing, but there is work/02-leave-on-lru/Lab02.c: the grader "
                     "takes only lab.c; rename it")

    def test_missing_answers(self) -> None:
        self.answers.unlink()
        self.refused("work/02-leave-on-lru/answers.txt: missing")

    def test_missing_lab_folder(self) -> None:
        self.refused("work/03-do-wp-page/: missing; ./lab start 03-do-wp-page", "02-leave-on-lru",
                     "03-do-wp-page")

    def test_answers_syntax(self) -> None:
        cases = [("q1 0*5 1\nq2: 1\n", ":1: 'q1 0*5 1' is not `ID: answer`"),
                 ("q1: 0*5 1\nq2: 1\nq3: 2\n", ":3: no question 'q3' in 02-leave-on-lru"),
                 ("q1: 0*5 1\nq2: 1\nq2: 2\n", ":3: q2 answered again (first on line 2)"),
                 ("q1: 0*5 1\nq2: one\n", ":2: q2 asks for a whole number, not 'one'"),
                 ("q1: 0*5 y1\nq2: 1\n", ":1: q1 is not a schedule lrusim reads: bad schedule "
                  "token at \"y1\"")]
        for text, why in cases:
            with self.subTest(why=why):
                self.answers.write_text(text)
                self.refused(f"work/02-leave-on-lru/answers.txt{why}")

    def test_nothing_to_submit(self) -> None:
        out = lab("submit", work=str(self.root / "empty"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("nothing to submit", out.stderr)


class SubmitInGit(Base):
    """In a Classroom-style repository: the git check."""

    def setUp(self) -> None:
        super().setUp()
        git(self.root, "init", "-q")
        git(self.root, "add", "work")
        git(self.root, "commit", "-q", "-m", "my work")

    def test_committed_is_ready(self) -> None:
        out = self.submit()
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_uncommitted_change(self) -> None:
        self.lab_c.write_text(self.lab_c.read_text() + "\n")
        self.refused("work/02-leave-on-lru/lab.c: changes not committed: git commit "
                     "work/02-leave-on-lru/lab.c")

    def test_staged_not_committed(self) -> None:
        self.answers.write_text(GOOD_ANSWERS + "\n")
        git(self.root, "add", "work")
        self.refused("work/02-leave-on-lru/answers.txt: changes not committed")

    def test_untracked(self) -> None:
        git(self.root, "rm", "-q", "--cached", "work/02-leave-on-lru/answers.txt")
        git(self.root, "commit", "-q", "-m", "oops")
        self.refused("work/02-leave-on-lru/answers.txt: not in git yet: git add")

    def test_ignored(self) -> None:
        (self.root / ".gitignore").write_text("/work/\n")
        git(self.root, "rm", "-r", "-q", "--cached", "work")
        git(self.root, "add", ".gitignore")
        git(self.root, "commit", "-q", "-m", "ignore work")
        out = self.submit()
        self.assertEqual(out.returncode, 2)
        for name in ("lab.c", "answers.txt"):
            self.assertIn(f"work/02-leave-on-lru/{name}: ignored by git (see .gitignore), so "
                          f"not in your commits: git add -f work/02-leave-on-lru/{name}",
                          out.stderr)

    def test_no_git_skips_it(self) -> None:
        self.lab_c.write_text(self.lab_c.read_text() + "\n")
        self.assertEqual(self.submit("--no-git").returncode, 0)


if __name__ == "__main__":
    unittest.main()
