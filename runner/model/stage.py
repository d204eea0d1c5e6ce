"""The model stage: a lab.c built into the model, and the lab's tests and questions.

The lab.c becomes a WebAssembly lab module inside lrusim-lab (build.py);
its hooks replace fix-0212's for this lab only.  Each test is one
sandboxed model run of one scenario with the test's strategies and
checkers, judged from lrusim's JSON result alone (lrusim.py): a pass is a
finished search that found no failure.  Questions (questions.py) are
answered on each student's own instance.
"""
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runner import static_check
from runner.labs import Lab, LabError, Test
from runner.model import feedback, lrusim
from runner.model.lrusim import counter_holds
from runner.model.questions import grade_question, instance_for, read_answers
from runner.model.build import build_lab_binary
from runner.results import LabReport, Result

def hint_for(test: Test, failure: lrusim.Failure | None) -> str:
    """The hint for this failure: by checker and hook, else by checker, else
    by hook, else the test's own."""
    if failure:
        hook = feedback.failing_hook(failure) or ""
        for key in (f"{failure.checker}@{hook}", failure.checker, f"@{hook}"):
            if key in test.hints:
                return test.hints[key]
    return test.hint


def run_test(binary: Path, test: Test) -> Result:
    """All of a test's strategies in one model run: pass iff none finds a failure."""
    out = lrusim.run(binary, "student", test.scenario, test.strategies, test.check,
                     test.cpus, test.up)
    what = "strategies " + ", ".join(test.strategies)
    if out.error:
        return Result(test.name, 0, test.points, f"{what}: {out.error}\n" +
                      (f"hint: {test.hint}\n" if test.hint else ""))
    if out.failure:
        report, full = feedback.failure_report(out.failure, 1 if test.up else test.cpus,
                                               hint_for(test, out.failure))
        return Result(test.name, 0, test.points, f"{what}:\n{report}",
                      attachments={f"trace-{test.name}.txt": full})
    if test.counters:
        bad = [f"{k} = {out.counters.get(k)} (want {c})" for k, c in test.counters.items()
               if k not in out.counters or not counter_holds(out.counters[k], c)]
        if bad:
            hint = test.hints.get("counters", test.hint)
            return Result(test.name, 0, test.points,
                          f"{what}: no failure, but wasteful: " + ", ".join(bad) + "\n" +
                          (f"hint: {hint}\n" if hint else ""))
    return Result(test.name, test.points, test.points,
                  f"{what}: no failure in {out.schedules} schedules\n")


def grade_lab(lab: Lab, lab_c: Path | None, answers_path: Path | None,
              label: str, student: str | None = None) -> LabReport:
    """The lab's tests on lab_c, and its questions on answers_path, each on
    the student's own instance (instance 0 without a student)."""
    report = LabReport(lab)
    if lab.has_code:
        try:
            if lab_c is None or not lab_c.exists():
                raise static_check.StaticCheckError(
                    f"{label}: no such file; run ./lab start {lab.id} first")
            binary = build_lab_binary(lab, lab_c, label)
        except static_check.StaticCheckError as e:
            report.error = str(e)
            report.results += [Result(t.name, 0, t.points, f"not run: {e}\n")
                               for t in lab.tests]
        else:
            report.results += parallel(lambda t: run_test(binary, t), lab.tests)
    try:
        answers = read_answers(answers_path) if answers_path else {}
    except LabError as e:
        answers = {}
        report.results.append(Result("answers.txt", 0, 0, f"{e}\n", "note"))
    report.results += parallel(
        lambda q: grade_question(lab, q, answers.get(q.id), instance_for(student, lab, q)),
        lab.questions)
    return report


def grade_submission(jobs: list[tuple]) -> list[LabReport]:
    """Grade several labs of one submission at once: grade_lab's arguments each."""
    return parallel(lambda job: grade_lab(*job), jobs)


def parallel(fn, items: list) -> list:
    """Each item's lrusim runs are independent processes: use every cpu."""
    if len(items) < 2 or WORKERS == 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(fn, items))


WORKERS = os.cpu_count() or 2       # the batch grader sets 1: -j N sandboxes at once
