"""GitHub Classroom's workflow template: its commands are the project's own
(packages.txt's groups, make targets, ./lab test's options), its grading step
reports each lab's score (tests/labs/test_student_kit.py: the kit ships it)."""
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner import deps
from runner.student_kit import WORKFLOW
from tests.grade import hostile
from tests.util import ROOT

TEMPLATE = ROOT / WORKFLOW
QUESTIONS_LAB = "01-race-0207"       # questions only: --stage all runs no kernel


def run_blocks(text: str) -> dict[str, str]:
    """Each step's name -> its `run: |` script (the template's own YAML subset)."""
    blocks, name, lines = {}, None, text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*- (?:name|uses): (.*)", line)
        if m:
            name = m.group(1)
        if line.strip() == "run: |":
            indent = len(lines[i + 1]) - len(lines[i + 1].lstrip())
            body = []
            for nxt in lines[i + 1:]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) < indent:
                    break
                body.append(nxt[indent:])
            blocks[name] = "\n".join(body).rstrip() + "\n"
    return blocks


class ClassroomWorkflow(unittest.TestCase):
    def setUp(self) -> None:
        self.blocks = run_blocks(TEMPLATE.read_text())
        self.grading = next(b for n, b in self.blocks.items() if "./lab test" in n)

    def test_packages_are_packages_txt_groups(self) -> None:
        install = next(b for b in self.blocks.values() if "apt-get install" in b)
        listing = re.search(r"\$\((.*)\)", install).group(1)
        out = subprocess.run(["sh", "-c", listing], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout
        self.assertEqual(sorted(set(out.split())), deps.packages(["model", "kernel"]))

    def test_make_targets_exist(self) -> None:
        targets = re.findall(r"^make -s (\S+)$", "".join(self.blocks.values()), re.M)
        self.assertEqual(targets, ["model", "kernel-src", "kernel"])
        for t in targets:
            dry = subprocess.run(["make", "-n", t], cwd=ROOT, capture_output=True, text=True)
            self.assertEqual(dry.returncode, 0, f"make {t}: {dry.stderr}")

    def test_grading_step_reports_each_score(self) -> None:
        self.assertIn('./lab test "$id" --stage all', self.grading)
        with tempfile.TemporaryDirectory() as tmp:
            work, summary = Path(tmp) / "work", Path(tmp) / "summary.md"
            (work / QUESTIONS_LAB).mkdir(parents=True)
            (work / "student").write_text("Ada\n")
            (work / QUESTIONS_LAB / "answers.txt").write_text(
                hostile.answers("Ada", QUESTIONS_LAB))
            env = dict(os.environ, LRULAB_WORK=str(work), GITHUB_STEP_SUMMARY=str(summary),
                       RUNNER_TEMP=tmp)

            def step() -> subprocess.CompletedProcess:
                return subprocess.run(["sh", "-e", "-c", self.grading], cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=300)
            ok = step()
            self.assertEqual(ok.returncode, 0, ok.stdout[-2000:] + ok.stderr)
            self.assertIn(f"::notice title=lrulab {QUESTIONS_LAB}::100/100", ok.stdout)
            self.assertEqual(summary.read_text(), f"- {QUESTIONS_LAB}: 100/100\n")
            (work / "99-no-such-lab").mkdir()       # ./lab test: bad input
            bad = step()
            self.assertEqual(bad.returncode, 1, bad.stdout[-2000:])
            self.assertIn("- 99-no-such-lab: not graded", summary.read_text())

    def test_no_work_fails_with_the_fix(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, LRULAB_WORK=str(Path(tmp) / "work"),
                       GITHUB_STEP_SUMMARY=str(Path(tmp) / "s"), RUNNER_TEMP=tmp)
            out = subprocess.run(["sh", "-e", "-c", self.grading], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 1)
            self.assertIn("::error::no work/ID/ folder committed", out.stdout)
