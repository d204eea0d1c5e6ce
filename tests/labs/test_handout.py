"""Each handout's grading table is lab.json's, and make labs refuses a stale one."""
import json
import shutil
import tempfile
import unittest
from pathlib import Path

from runner import handout, labs
from runner.labs import LabError


class Handouts(unittest.TestCase):
    def test_every_table_agrees_with_lab_json(self) -> None:
        for lab in labs.all_labs():
            with self.subTest(lab=lab.id):
                self.assertFalse(handout.stale(lab), f"run ./lab tables ({lab.id})")
                for t in lab.tests:
                    self.assertIn(f"| {t.name} | {t.points} |", handout.table(lab))

    def test_a_changed_point_makes_it_stale(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            src = labs.load("03-do-wp-page").dir
            dst = Path(tmp) / "03-do-wp-page"
            shutil.copytree(src, dst)
            data = json.loads((dst / "lab.json").read_text())
            data["tests"][0]["points"] += 1
            (dst / "lab.json").write_text(json.dumps(data))
            old = labs.LABS_DIR
            labs.LABS_DIR = Path(tmp)
            try:
                lab = labs.load("03-do-wp-page")
                self.assertTrue(handout.stale(lab))
                self.assertTrue(handout.write(lab))
                self.assertFalse(handout.stale(lab))
                (dst / "README.md").write_text("no markers\n")
                with self.assertRaises(LabError):
                    handout.stale(lab)
            finally:
                labs.LABS_DIR = old


if __name__ == "__main__":
    unittest.main()
