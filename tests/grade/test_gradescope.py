"""make gradescope's bundle: its layout, and run_autograder on one submission."""
import json
import shutil
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

from tests.grade import hostile
from tests.grade.test_grade import check_results_schema
from tests.util import ROOT


class Gradescope(unittest.TestCase):
    def test_bundle_grades_a_flat_submission(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            base.chmod(0o755)
            bundle = base / "autograder.zip"
            out = subprocess.run(["python3", "-m", "runner.grade.gradescope", "build",
                                  "--labs", hostile.L3, "--out", str(bundle)], cwd=ROOT,
                                 capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            with zipfile.ZipFile(bundle) as zf:
                names = set(zf.namelist())
                zf.extractall(base / "source")
            for need in ("setup.sh", "run_autograder", "runner/grade/batch.py",
                         "model/include/lab.h", "labs/03-do-wp-page/lab.json"):
                self.assertIn(need, names)
            build = base / "source" / "build"
            (build / "model" / "fast").mkdir(parents=True)
            (build / "lab").mkdir()
            for f in ("libmodel.a", "lrusim", "model/fast/main.o", "lab/glue.o", "lab/lab-rt.o",
                      "lab/prelude.h", "lab/prelude.h.gch"):
                shutil.copy(ROOT / "build" / f, build / f)
            (base / "submission").mkdir()
            (base / "submission" / "lab.c").write_text(hostile.SOLUTION)
            (base / "submission" / "answers.txt").write_text(hostile.answers("Ada", hostile.L3))
            (base / "submission_metadata.json").write_text('{"users": [{"name": "Ada"}]}')
            run = subprocess.run(["sh", "run_autograder"], cwd=base / "source",
                                 capture_output=True, text=True, timeout=300,
                                 env={"PATH": "/usr/bin:/bin", "LRULAB_AUTOGRADER": tmp})
            self.assertEqual(run.returncode, 0, run.stderr)
            data = json.loads((base / "results" / "results.json").read_text())
            check_results_schema(self, data)
            self.assertEqual(data["score"], 100)
            self.assertIn("Ada: 100/100", data["output"])

    def test_unknown_lab_is_bad_input(self) -> None:
        out = subprocess.run(["python3", "-m", "runner.grade.gradescope", "build",
                              "--labs", "99-x", "--out", "/tmp/lrulab-never.zip"],
                             cwd=ROOT, capture_output=True, text=True)
        self.assertEqual(out.returncode, 2)
        self.assertIn("no lab '99-x'", out.stderr)
