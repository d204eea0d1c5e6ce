"""./lab grade on a hostile class: every verdict, the outputs' schemas, resume."""
import csv
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from tests.grade import hostile
from tests.util import ROOT


def grade(*args: str, timeout: int = 600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "lab"), "grade", *args], capture_output=True,
                          text=True, timeout=timeout, **kw)


RESULT_KEYS = {"score": (int, float), "execution_time": (int, float), "output": str,
               "tests": list}
TEST_KEYS = {"name": str, "score": (int, float), "max_score": (int, float), "output": str,
             "visibility": str}


def check_results_schema(case: unittest.TestCase, data: dict) -> None:
    """Gradescope's results.json: the fields it reads, with their types."""
    for k, t in RESULT_KEYS.items():
        case.assertIsInstance(data.get(k), t, k)
    for test in data["tests"]:
        for k, t in TEST_KEYS.items():
            case.assertIsInstance(test.get(k), t, f"tests[].{k}")
        case.assertIn(test["visibility"], ("hidden", "after_due_date", "after_published",
                                           "visible"))
        case.assertLessEqual(test["score"], test["max_score"])
    case.assertEqual(data["score"], sum(t["score"] for t in data["tests"]))


class HostileClass(unittest.TestCase):
    """One batch: the hostile class, the honest students, -j 2."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory()
        base = Path(cls.tmp.name)
        cls.subs, cls.out, cls.escape = base / "subs", base / "out", base / "escape"
        cls.escape.mkdir()
        cls.expected = hostile.build_class(cls.subs, cls.escape)
        start = time.monotonic()
        cls.proc = grade(str(cls.subs), "--out", str(cls.out), "--labs",
                         ",".join(hostile.LABS), "-j", "2", "--timeout", "5")
        cls.seconds = time.monotonic() - start
        cls.results = {}
        for d in (cls.out / "students").iterdir():
            cls.results[d.name] = json.loads((d / "results.json").read_text())

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_batch_completes(self) -> None:
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-3000:])
        self.assertGreaterEqual(len(self.expected), 25 + 4)
        self.assertEqual(set(self.results), set(self.expected))
        self.assertIn("sandbox:", self.proc.stderr)

    def test_every_verdict(self) -> None:
        for key, want in sorted(self.expected.items()):
            with self.subTest(student=key):
                data = self.results[key]
                rec = data["extra_data"]["lrulab"]
                self.assertEqual(data["score"], want["total"], json.dumps(rec, indent=1))
                labs = {l["id"]: l for l in rec["labs"]}
                for lab_id, w in want.get("labs", {}).items():
                    if "score" in w:
                        self.assertEqual(labs[lab_id]["score"], w["score"], lab_id)
                    if "verdict" in w:
                        self.assertIn(w["verdict"], labs[lab_id]["verdict"], lab_id)
                    if "output" in w:
                        outs = "".join(t["output"] for t in data["tests"]
                                       if t["name"].startswith(lab_id))
                        self.assertIn(w["output"], outs)
                for note in want.get("notes", []):
                    self.assertTrue(any(note in n for n in rec["notes"]),
                                    f"no note {note!r} in {rec['notes']}")
                if "error" in want:
                    self.assertIn(want["error"], rec["error"])
                else:
                    self.assertEqual(rec["error"], "")

    def test_results_json_schema(self) -> None:
        for key, data in self.results.items():
            with self.subTest(student=key):
                check_results_schema(self, data)

    def test_gradebook(self) -> None:
        with open(self.out / "gradebook.csv", newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0], ["student", "key", *hostile.LABS, "total", "status"])
        self.assertEqual(len(rows) - 1, len(self.expected))
        totals = {}
        for row in rows[1:]:
            self.assertEqual(len(row), len(rows[0]))
            self.assertEqual(int(row[-2]), sum(int(c) for c in row[2:-2]))
            totals.setdefault(row[0], []).append(int(row[-2]))
        self.assertEqual(totals["honest-full"], [200])
        self.assertEqual(sorted(totals["dup"]), [0, 90])
        dups = [row[1] for row in rows[1:] if row[0] == "dup"]
        self.assertEqual(len(set(dups)), 2, "two students named dup, told apart by key")

    def test_report_html(self) -> None:
        page = (self.out / "report.html").read_text()
        self.assertIn("honest-partial", page)
        self.assertIn("sandbox: bubblewrap", page) if "FALLBACK" not in page else None
        self.assertNotIn("<script>alert", page)
        for key in self.expected:
            self.assertTrue((self.out / "students" / key / "report.html").is_file(), key)

    def test_nothing_escaped(self) -> None:
        self.assertEqual(list(self.escape.iterdir()), [])
        for p in (self.subs.parent, Path("/tmp"), ROOT):
            self.assertFalse((p / hostile.ESCAPE).exists(), p)

    def test_log_and_duration(self) -> None:
        log = (self.out / "grade.log").read_text()
        self.assertIn("skipped linked-student: a symbolic link", log)
        self.assertIn("skipped README.txt", log)
        self.assertIn("done:", log)
        self.assertLess(self.seconds, 150)

    def test_rerun_skips_unchanged(self) -> None:
        before = (self.out / "gradebook.csv").read_text()
        again = grade(str(self.subs), "--out", str(self.out), "--labs",
                      ",".join(hostile.LABS), "-j", "2", "--timeout", "5")
        self.assertEqual(again.returncode, 0, again.stderr[-2000:])
        self.assertIn(f"(0 graded now, {len(self.expected)} up to date)", again.stderr)
        self.assertEqual((self.out / "gradebook.csv").read_text(), before)


class Resume(unittest.TestCase):
    """Killed mid-batch, run again: the same gradebook as one clean run."""

    def test_kill_and_rerun(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            subs, out = Path(tmp) / "subs", Path(tmp) / "out"
            for i in range(8):
                hostile._tree(subs / f"s{i}", {
                    f"{hostile.L3}/lab.c": hostile.SOLUTION if i % 2 else hostile.SKELETON,
                    f"{hostile.L3}/answers.txt": hostile.answers("ada", hostile.L3)})
            proc = subprocess.Popen([str(ROOT / "lab"), "grade", str(subs), "--out", str(out),
                                     "--labs", hostile.L3, "-j", "1"], start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None and \
                    len(list(out.glob("students/*/results.json"))) < 2:
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            done = len(list(out.glob("students/*/results.json")))
            self.assertGreaterEqual(done, 2)
            again = grade(str(subs), "--out", str(out), "--labs", hostile.L3, "-j", "2")
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn(f"{done} up to date", again.stderr)
            clean = grade(str(subs), "--out", str(Path(tmp) / "clean"), "--labs",
                          hostile.L3, "-j", "2")
            self.assertEqual(clean.returncode, 0)
            self.assertEqual((out / "gradebook.csv").read_text(),
                             (Path(tmp) / "clean" / "gradebook.csv").read_text())
            changed = subs / "s0" / hostile.L3 / "lab.c"
            changed.write_text(hostile.SOLUTION)
            third = grade(str(subs), "--out", str(out), "--labs", hostile.L3)
            self.assertIn("(1 graded now, 7 up to date)", third.stderr)
            forced = grade(str(subs), "--out", str(out), "--labs", hostile.L3, "--force")
            self.assertIn("(8 graded now, 0 up to date)", forced.stderr)


class BadInput(unittest.TestCase):
    def test_exit_2_with_one_line(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            cases = [
                ([str(Path(tmp) / "nope"), "--out", str(Path(tmp) / "o")], "not a folder"),
                ([tmp, "--out", tmp + "-o", "--labs", "99-x"], "no lab '99-x'"),
                ([tmp, "--out", str(Path(tmp) / "o" / "..")], "inside the submissions"),
            ]
            for args, needle in cases:
                with self.subTest(args=args):
                    out = grade(*args)
                    self.assertEqual(out.returncode, 2, out.stderr)
                    self.assertIn(needle, out.stderr)
                    self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)

    def test_kernel_stage_without_a_tree_says_skipped(self) -> None:
        """--stage all with no kernel tree: model grades, and a loud SKIPPED note."""
        import json
        import os
        from runner.skeleton import strip_markers
        with tempfile.TemporaryDirectory() as tmp:
            lab_dir = Path(tmp) / "subs" / "alice" / "03-do-wp-page"
            lab_dir.mkdir(parents=True)
            (lab_dir / "lab.c").write_text(strip_markers(
                (ROOT / "labs" / "03-do-wp-page" / "solution.c").read_text()))
            env = dict(os.environ, KERNEL_SRC="", LRULAB_CACHE=str(Path(tmp) / "empty"))
            out = grade(str(Path(tmp) / "subs"), "--out", str(Path(tmp) / "out"),
                        "--labs", "03-do-wp-page", "--stage", "all", env=env)
            self.assertEqual(out.returncode, 0, out.stderr)
            results = json.loads(next((Path(tmp) / "out" / "students").glob(
                "*/results.json")).read_text())
            self.assertEqual(results["score"], 90, results["output"][-2000:])
            self.assertIn("SKIPPED: kernel stage", json.dumps(results))


if __name__ == "__main__":
    unittest.main()
