"""Gradescope's budget: one submission of every lab, both worlds, in the
simulated layout (runner/grade/gradescope_sim.py), against Gradescope's
default limit of 10 minutes per submission.

Builds the bundle (all labs, --stage all, the release tarball inside), runs
setup.sh once (the image build, timed apart: Gradescope does it once per
assignment) and then run_autograder on one submission holding every lab's
reference lab.c and right answers.  Needs KERNEL_TARBALL=FILE (Linux 2.4.17):
without it the row says it was skipped and why.
Usage: python3 -m runner.grade.gradescope_bench
"""
import json
import os
import sys
import tempfile
from pathlib import Path

from runner import labs
from runner.grade import gradescope, gradescope_sim
from runner.model import questions
from runner.skeleton import strip_markers

STUDENT = "Ada"
LIMIT = 600.0                 # Gradescope's default timeout per submission, seconds
ROW = "| Gradescope: one submission, {what}, model + kernel UP/SMP, simulated layout |"


def submission(student: str) -> dict[str, str]:
    """Every lab's reference lab.c and the model's own answers to the student's
    instances of its questions: full marks, so every test runs to its end."""
    files = {}
    for lab in labs.all_labs():
        if lab.has_code:
            files[f"{lab.id}/lab.c"] = strip_markers(lab.solution.read_text())
        files[f"{lab.id}/answers.txt"] = "".join(
            f"{q.id}: {questions.solve(lab, q, questions.instance_for(student, lab, q))}\n"
            for q in lab.questions)
    return files


def main(argv: list[str]) -> int:
    code = sum(1 for l in labs.all_labs() if l.has_code)
    what = f"{code} code labs + {len(labs.all_labs()) - code} question labs"
    tarball = os.environ.get("KERNEL_TARBALL")
    if not tarball or not Path(tarball).is_file():
        print(ROW.format(what=what) + " skipped: give KERNEL_TARBALL=FILE "
              "(linux-2.4.17.tar.*) | <= 600 s |")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bundle = gradescope.build(root / "autograder.zip", None, "all", Path(tarball))
        ag = gradescope_sim.unpack(root, bundle, submission(STUDENT), STUDENT)
        load = os.getloadavg()[0]
        setup = gradescope_sim.run(root, "setup.sh", 3600)
        if setup.returncode != 0:
            print(setup.stderr[-2000:], file=sys.stderr)
            print(ROW.format(what=what) + f" setup.sh failed (exit {setup.returncode}) | |")
            return 1
        run = gradescope_sim.run(root, "run_autograder", 3 * LIMIT)
        load = max(load, os.getloadavg()[0])
        try:
            data = json.loads((ag / "results" / "results.json").read_text())
            score = f"{data['score']}/{sum(t['max_score'] for t in data['tests'])}"
        except (OSError, ValueError, KeyError):
            score = f"no results.json (exit {run.returncode})"
    print(ROW.format(what=what) +
          f" run_autograder {run.seconds:.1f} s, score {score} (setup.sh once: "
          f"{setup.seconds:.1f} s; load {load:.1f} on {os.cpu_count()} cpus) | "
          f"<= {LIMIT:.0f} s ({'met' if run.seconds <= LIMIT else 'missed'}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
