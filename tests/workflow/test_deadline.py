"""./lab grade --deadline: git repositories graded at their last commit in time, lateness
recorded, penalties applied; real repositories made in a temporary folder."""
import csv
import json
import os
import subprocess
import tempfile
import unittest
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from runner.grade import deadline
from runner.labs import LabError
from tests.util import ROOT
from tests.workflow.support import lab

LAB = "02-leave-on-lru"
LAB02 = ROOT / "labs" / LAB
DUE = datetime(2024, 3, 1, 23, 59, tzinfo=timezone.utc)


def commit(repo: Path, when: datetime, source: Path, message: str) -> None:
    """The lab.c of source committed at when (author and committer date)."""
    target = repo / "work" / LAB / "lab.c"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text())
    env = dict(os.environ, GIT_AUTHOR_DATE=when.isoformat(),
               GIT_COMMITTER_DATE=when.isoformat())
    for args in (["init", "-q"], ["add", "work"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-c", "user.name=S", "-c", "user.email=s@example.org",
                        "-c", "init.defaultBranch=main", *args], cwd=repo, env=env,
                       check=True, capture_output=True)


class Policy(unittest.TestCase):
    def test_penalties(self) -> None:
        p = deadline.policy(DUE.isoformat(), 3, "10%")
        self.assertEqual(p.cost(90, 0), 0)
        self.assertEqual(p.cost(90, 1), 9)
        self.assertEqual(p.cost(90, 2), 18)
        self.assertEqual(deadline.policy(DUE.isoformat(), 3, "5").cost(90, 2), 10)
        self.assertEqual(deadline.policy(DUE.isoformat(), 30, "50").cost(40, 2), 40)

    def test_times(self) -> None:
        self.assertEqual(deadline.parse_time("2024-03-01T23:59Z"), DUE)
        self.assertEqual(deadline.parse_time("2024-03-02T00:59+01:00"), DUE)
        self.assertIsNotNone(deadline.parse_time("2024-03-01T23:59").tzinfo)

    def test_bad_input(self) -> None:
        for args, why in [((None, 1, "0"), "need --deadline"),
                          (("tomorrow", 0, "0"), "--deadline 'tomorrow': give an ISO time"),
                          ((DUE.isoformat(), -1, "0"), "--late-days"),
                          ((DUE.isoformat(), 1, "ten"), "--penalty 'ten'"),
                          ((DUE.isoformat(), 1, "120%"), "--penalty '120%'")]:
            with self.assertRaises(LabError) as e:
                deadline.policy(*args)
            self.assertIn(why, str(e.exception))

    def test_cli_refuses_with_one_line(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            out = lab("grade", tmp, "--out", os.path.join(tmp, "..", "o-lrulab-x"),
                      "--deadline", "soon")
        self.assertEqual(out.returncode, 2)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        self.assertIn("--deadline 'soon'", out.stderr)


class Pick(unittest.TestCase):
    def test_last_commit_in_time(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp)
            commit(repo, DUE - timedelta(days=2), LAB02 / "bad" / "flawed-0207.c", "first")
            commit(repo, DUE - timedelta(hours=1), LAB02 / "solution.c", "done")
            commit(repo, DUE + timedelta(hours=30), LAB02 / "bad" / "never-stops.c", "late")
            on_time = deadline.pick(repo, deadline.policy(DUE.isoformat(), 0, "0"))
            late = deadline.pick(repo, deadline.policy(DUE.isoformat(), 2, "0"))
            head = subprocess.run(["git", "-C", tmp, "rev-parse", "HEAD~1", "HEAD"],
                                  capture_output=True, text=True).stdout.split()
        self.assertEqual((on_time.commit, on_time.days_late), (head[0], 0))
        self.assertIn("1 later commit not graded", on_time.note)
        self.assertEqual((late.commit, late.days_late), (head[1], 2))


class GradeClass(unittest.TestCase):
    """A class of three: on time with a late commit, late only, a plain archive."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        root = Path(cls.tmp.name)
        cls.subs = root / "subs"
        ontime, late = cls.subs / "ontime", cls.subs / "late"
        commit(ontime, DUE - timedelta(days=1), LAB02 / "solution.c", "done")
        commit(ontime, DUE + timedelta(hours=2), LAB02 / "bad" / "flawed-0207.c", "oops")
        # not committed: never graded
        (ontime / "work" / LAB / "lab.c").write_text("this does not compile\n")
        commit(late, DUE + timedelta(hours=25), LAB02 / "solution.c", "sorry")
        with zipfile.ZipFile(cls.subs / "zipped.zip", "w") as zf:
            zf.write(LAB02 / "solution.c", f"{LAB}/lab.c")
        cls.strict = cls.grade(root / "strict", "--deadline", DUE.isoformat())
        cls.lenient = cls.grade(root / "lenient", "--deadline", DUE.isoformat(),
                                "--late-days", "3", "--penalty", "10%")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    @classmethod
    def grade(cls, out: Path, *args: str) -> dict:
        proc = lab("grade", str(cls.subs), "--out", str(out), "--labs", LAB, "-j", "2", *args)
        assert proc.returncode == 0, proc.stderr
        rows = {r["student"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
        results = {k: json.loads((out / "students" / k / "results.json").read_text())
                   for k in rows}
        return {"rows": rows, "results": results}

    def test_graded_commit_is_the_one_in_time(self) -> None:
        row = self.strict["rows"]["ontime"]
        full = int(row[LAB])
        self.assertGreaterEqual(full, 90)       # the solution, not the late flawed one
        self.assertEqual(row["days_late"], "0")
        self.assertEqual(row["penalty"], "0")
        late = self.strict["results"]["ontime"]["extra_data"]["lrulab"]["late"]
        self.assertEqual(late["days_late"], 0)
        self.assertEqual(late["commit"][:12], row["commit"])
        self.assertIn("1 later commit not graded", late["note"])

    def test_late_work_without_late_days(self) -> None:
        row = self.strict["rows"]["late"]
        self.assertEqual(row["total"], "0")
        late = self.strict["results"]["late"]["extra_data"]["lrulab"]["late"]
        self.assertIsNone(late["commit"])
        self.assertEqual(row["days_late"], "")
        self.assertIn("no commit by", late["note"])

    def test_late_days_and_penalty(self) -> None:
        row = self.lenient["rows"]["late"]
        raw = int(row[LAB])
        self.assertGreaterEqual(raw, 90)
        self.assertEqual(row["days_late"], "2")
        cost = -(-raw * 20 // 100)
        self.assertEqual((row["penalty"], row["total"]), (str(cost), str(raw - cost)))
        res = self.lenient["results"]["late"]
        self.assertEqual(res["score"], raw - cost)
        self.assertEqual(res["extra_data"]["lrulab"]["late"]["score_before_penalty"], raw)
        # with three late days the late flawed commit is the one graded
        self.assertLess(int(self.lenient["rows"]["ontime"][LAB]), 90)
        self.assertEqual(self.lenient["rows"]["ontime"]["days_late"], "1")

    def test_not_a_repository(self) -> None:
        row = self.strict["rows"]["zipped"]
        self.assertGreaterEqual(int(row[LAB]), 90)
        self.assertEqual(row["days_late"], "")
        late = self.strict["results"]["zipped"]["extra_data"]["lrulab"]["late"]
        self.assertIn("not a git repository", late["note"])


if __name__ == "__main__":
    unittest.main()
