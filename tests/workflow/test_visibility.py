"""Visibility: lab.json's per-test value, validated, carried into results.json,
honoured on the student's page and not on the instructor's."""
import io
import json
import shutil
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from runner import labs
from runner.grade import outputs
from runner.grade.batch import Batch
from runner.labs import LabError
from tests.util import ROOT

LAB02 = ROOT / "labs" / "02-leave-on-lru"


def record(tests: list[dict]) -> tuple[dict, dict]:
    rec = {"student": "alice", "key": "alice", "submission": "alice", "hash": "", "grader": "",
           "error": "", "notes": [], "sandbox": "sandbox: test", "seconds": 1,
           "labs": [{"id": "02-leave-on-lru", "score": sum(t["score"] for t in tests),
                     "max_score": sum(t["max_score"] for t in tests), "verdict": "graded",
                     "tests": tests}]}
    rec["score"], rec["max_score"] = rec["labs"][0]["score"], rec["labs"][0]["max_score"]
    return rec, outputs.results_json(rec)


def test(name: str, vis: str, score: int = 0) -> dict:
    return {"name": name, "score": score, "max_score": 10, "output": f"OUTPUT OF {name}\n",
            "kind": "test", "visibility": vis}


class LabJson(unittest.TestCase):
    def copy_labs(self, edit) -> Path:
        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        shutil.copytree(LAB02, tmp / LAB02.name)
        path = tmp / LAB02.name / "lab.json"
        data = json.loads(path.read_text())
        edit(data)
        path.write_text(json.dumps(data))
        return tmp

    def test_values(self) -> None:
        def edit(d: dict) -> None:
            d["tests"][0]["visibility"] = "after_due_date"
            d["questions"][0]["visibility"] = "hidden"
        with mock.patch.object(labs, "LABS_DIR", self.copy_labs(edit)):
            lab = labs.load(LAB02.name)
        self.assertEqual(lab.tests[0].visibility, "after_due_date")
        self.assertEqual(lab.tests[1].visibility, "visible")
        self.assertEqual(lab.questions[0].visibility, "hidden")

    def test_unknown_value_is_refused(self) -> None:
        def edit(d: dict) -> None:
            d["tests"][1]["visibility"] = "secret"
        with mock.patch.object(labs, "LABS_DIR", self.copy_labs(edit)):
            with self.assertRaises(LabError) as e:
                labs.load(LAB02.name)
        self.assertIn("labs/02-leave-on-lru/lab.json test 'no-double-free': visibility "
                      "'secret': use one of hidden, after_due_date, after_published, visible",
                      str(e.exception))

    def test_list_tests_shows_it(self) -> None:
        def edit(d: dict) -> None:
            d["tests"][0]["visibility"] = "hidden"
        from contextlib import redirect_stdout
        from runner.__main__ import main
        buf = io.StringIO()
        with mock.patch.object(labs, "LABS_DIR", self.copy_labs(edit)), redirect_stdout(buf):
            self.assertEqual(main(["test", LAB02.name, "--list-tests"]), 0)
        lines = buf.getvalue().splitlines()
        self.assertTrue(lines[0].endswith(" [hidden]"), lines[0])
        self.assertFalse(lines[1].endswith("]"), lines[1])

    def test_shipped_labs_are_valid(self) -> None:
        for lab in labs.all_labs():
            for item in [*lab.tests, *lab.questions]:
                self.assertIn(item.visibility, labs.VISIBILITIES)


class Pages(unittest.TestCase):
    def test_results_json_carries_visibility(self) -> None:
        _, results = record([test("a", "visible"), test("b", "hidden")])
        self.assertEqual([t["visibility"] for t in results["tests"]], ["visible", "hidden"])
        # Gradescope hides it from the student itself: the output stays for the instructor
        self.assertEqual(results["tests"][1]["output"], "OUTPUT OF b\n")

    def test_student_page_withholds_what_it_may_not_show(self) -> None:
        rec, results = record([test("a", "visible", 10), test("b", "hidden"),
                               test("c", "after_due_date"), test("d", "after_published")])
        page = outputs.student_html(rec, results, outputs.STUDENT_SEES)
        self.assertIn("OUTPUT OF a", page)
        for name in "bcd":
            self.assertNotIn(f"OUTPUT OF {name}", page)
            self.assertNotIn(f"02-leave-on-lru / {name}", page)
        self.assertIn("10/10 in the tests shown here", page)
        self.assertIn("1 more test: hidden.", page)
        self.assertIn("1 more test: shown after the due date.", page)
        self.assertIn("1 more test: shown when the grades are published.", page)
        due = outputs.student_html(rec, results, outputs.STUDENT_SEES + ("after_due_date",))
        self.assertIn("OUTPUT OF c", due)
        self.assertNotIn("OUTPUT OF b", due)
        full = outputs.student_html(rec, results)
        for name in "abcd":
            self.assertIn(f"OUTPUT OF {name}", full)
        self.assertIn("[hidden]", full)


class Batches(unittest.TestCase):
    """A class graded with a hidden test: results.json, both pages, the class page."""

    def test_hidden_test_in_a_batch(self) -> None:
        tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))
        shutil.copytree(ROOT / "labs", tmp / "labs")
        path = tmp / "labs" / LAB02.name / "lab.json"
        data = json.loads(path.read_text())
        hidden = data["tests"][1]["name"]           # no-double-free
        data["tests"][1]["visibility"] = "hidden"
        path.write_text(json.dumps(data))
        subs = tmp / "subs" / "alice" / LAB02.name
        subs.mkdir(parents=True)
        (subs / "lab.c").write_text((LAB02 / "bad" / "flawed-0207.c").read_text())
        out = tmp / "grades"
        with mock.patch.object(labs, "LABS_DIR", tmp / "labs"):
            Batch(tmp / "subs", out, [LAB02.name], 1, False, 60, stream=io.StringIO()).run()
        results = json.loads((out / "students" / "alice" / "results.json").read_text())
        entry = next(t for t in results["tests"] if t["name"].endswith(f"/ {hidden}"))
        self.assertEqual(entry["visibility"], "hidden")
        self.assertIn("FAILURE [", entry["output"])
        student = (out / "students" / "alice" / "report.html").read_text()
        instructor = (out / "students" / "alice" / "instructor.html").read_text()
        self.assertNotIn(hidden, student)
        self.assertIn("more test: hidden", student)
        self.assertIn(hidden, instructor)
        self.assertIn("students/alice/instructor.html",
                      (out / "report.html").read_text())


if __name__ == "__main__":
    unittest.main()
