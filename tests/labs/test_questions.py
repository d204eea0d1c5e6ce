"""Each student's questions are their own: instances chosen from the course
seed and the student's id, answered and graded by the model."""
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner import labs
from runner.model import questions
from tests.util import ROOT, lrusim


class Instances(unittest.TestCase):
    def test_two_hundred_students_spread_over_instances(self) -> None:
        for lab in labs.all_labs():
            for q in lab.questions:
                got = {questions.instance_for(f"student-{i:03d}", lab, q) for i in range(200)}
                self.assertGreaterEqual(len(got), 170, (lab.id, q.id))
                self.assertNotIn(0, got, "instance 0's answers are in the repository")
                self.assertEqual(questions.instance_for(None, lab, q), 0)

    def test_the_course_seed_changes_them(self) -> None:
        lab = labs.load("01-race-0207")
        q = lab.questions[0]
        a = questions.instance_for("ada", lab, q)
        os.environ["LRULAB_COURSE_SEED"] = "another course"
        try:
            b = questions.instance_for("ada", lab, q)
        finally:
            del os.environ["LRULAB_COURSE_SEED"]
        self.assertNotEqual(a, b)

    def test_instance_0_is_the_scenario_as_written(self) -> None:
        import json
        runs = []
        for extra in ([], ["--instance", "0"]):
            data = json.loads(lrusim("--variant", "flawed-0207", "--scenario",
                                     "put-vs-shrink", "--json", *extra).stdout)
            for s in data["strategies"]:
                s.pop("seconds")            # all else must be the same
            runs.append(data)
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(runs[0]["failure"]["minimized"]["schedule"], "0*12 1")

    def test_fixed_variants_stay_clean_on_other_instances(self) -> None:
        for n in (1, 300, 1234, 2047):
            for scenario in ("put-vs-shrink", "aio-munmap", "swap-exit"):
                with self.subTest(instance=n, scenario=scenario):
                    out = lrusim("--variant", "fix-0212", "--scenario", scenario,
                                 "--instance", str(n), "--strategy", "dfs:1")
                    self.assertEqual(out.returncode, 0, out.stdout[-2000:])


class StudentsAnswers(unittest.TestCase):
    def test_one_students_schedule_is_no_answer_for_another(self) -> None:
        lab = labs.load("01-race-0207")
        q = lab.questions[0]
        mine = questions.instance_for("ada", lab, q)
        theirs = next(n for s in ("bob", "cy", "dee", "eve")
                      if (n := questions.instance_for(s, lab, q)) != mine)
        answer = questions.solve(lab, q, mine)
        self.assertEqual(questions.grade_question(lab, q, answer, mine).score, q.points)
        copied = questions.grade_question(lab, q, answer, theirs)
        self.assertEqual(copied.score, 0, copied.output)

    def test_a_number_is_computed_per_instance(self) -> None:
        lab = labs.load("00-orientation")
        q = next(q for q in lab.questions if q.compute.get("counter") == "scanned")
        values = {questions.expected_number(lab, q, n) for n in (0, 1, 2, 3, 4, 5, 6, 7)}
        self.assertGreater(len(values), 4)

    def test_start_with_a_student_writes_their_instances(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, LRULAB_WORK=tmp)
            out = subprocess.run([str(ROOT / "lab"), "start", "01-race-0207", "--student",
                                  "ada@example.org"], capture_output=True, text=True, env=env)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual((Path(tmp) / "student").read_text().strip(), "ada@example.org")
            text = (Path(tmp) / "01-race-0207" / "answers.txt").read_text()
            lab = labs.load("01-race-0207")
            for q in lab.questions:
                n = questions.instance_for("ada@example.org", lab, q)
                self.assertIn(f"# your instance: {n}; explore it with: ", text)
                self.assertIn(f"--instance {n}", text)
            answers = Path(tmp) / "01-race-0207" / "answers.txt"
            answers.write_text(questions.solve(lab, lab.questions[0],
                                               questions.instance_for("ada@example.org", lab,
                                                                      lab.questions[0]))
                               .join(["q1: ", "\n"]))
            graded = subprocess.run([str(ROOT / "lab"), "test", "01-race-0207"],
                                    capture_output=True, text=True, env=env)
            self.assertIn("PASS q1 (schedule)", graded.stdout)


if __name__ == "__main__":
    unittest.main()
