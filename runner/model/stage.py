"""The model stage: a lab.c built into the model, and the lab's tests and questions.

The lab.c becomes a WebAssembly lab module inside lrusim-lab (build.py);
its hooks replace fix-0212's for this lab only.  Each test is one
sandboxed model run of one scenario with the test's strategies and
checkers, judged from lrusim's JSON result alone (lrusim.py): a pass is a
finished search that found no failure.  Questions (questions.py) are
answered on each student's own instance.
"""
import os
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from runner import static_check
from runner.labs import Lab, LabError, Test
from runner.model import feedback, lrusim
from runner.model.lrusim import counter_holds
from runner.model.questions import Asked, grade_questions, instance_for, read_answers
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


def run_tests(binary: Path, tests: list[Test]) -> list[Result]:
    """Each test's strategies in one model run (all in one sandbox): a test
    passes iff none of its strategies finds a failure."""
    requests = [lrusim.Request("student", t.scenario, list(t.strategies), t.check, t.cpus,
                               t.up, memory=t.memory) for t in tests]
    return [judge(t, out) for t, out in zip(tests, lrusim.run_many(binary, requests))]


def judge(test: Test, out: lrusim.Outcome) -> Result:
    """The test's result from its model run."""
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
    return grade_submission([(lab, lab_c, answers_path, label, student)])[0]


def grade_submission(jobs: list[tuple]) -> list[LabReport]:
    """Grade several labs of one submission at once, grade_lab's arguments
    each, on WORKERS threads: the builds, shares of each lab's tests, and
    the questions, each task a sandbox or a few.

    The lab builds are the long poles and a lab's tests wait on its own
    build, so every build is queued first and a lab's tests are queued the
    moment its build is done: no core waits while a build could run."""
    reports = [LabReport(job[0]) for job in jobs]
    tests: list[list[tuple[list[Test], Future]]] = [[] for _ in jobs]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        builds = {pool.submit(_build, *job[:2], job[3]): i
                  for i, job in enumerate(jobs) if job[0].has_code}
        # one task: their runs share a sandbox
        questions = pool.submit(questions_of, [(job[0], job[2], job[4] if len(job) > 4 else None)
                                               for job in jobs])
        for done in as_completed(builds):
            i = builds[done]
            binary, error = done.result()
            lab = jobs[i][0]
            if error:
                reports[i].error = error
                reports[i].results += [Result(t.name, 0, t.points, f"not run: {error}\n")
                                       for t in lab.tests]
            else:
                # a few tests per sandbox: fewer sandboxes, and shares small
                # enough that no core waits long for the last (one worker:
                # all of them in one)
                size = len(lab.tests) if WORKERS == 1 else TESTS_PER_SANDBOX
                shares = [lab.tests[k:k + size] for k in range(0, len(lab.tests), size)]
                tests[i] = [(share, pool.submit(run_tests, binary, share)) for share in shares]
        for report, lab_tests, lab_questions in zip(reports, tests, questions.result()):
            done = {t.name: r for share, f in lab_tests for t, r in zip(share, f.result())}
            report.results += [done[t.name] for t in report.lab.tests if t.name in done]
            report.results += lab_questions
    return reports


def _build(lab: Lab, lab_c: Path | None, label: str) -> tuple[Path | None, str]:
    """The lab's binary, or the one-line reason there is none."""
    try:
        if lab_c is None or not lab_c.exists():
            raise static_check.StaticCheckError(
                f"{label}: no such file; run ./lab start {lab.id} first")
        return build_lab_binary(lab, lab_c, label), ""
    except static_check.StaticCheckError as e:
        return None, str(e)


def questions_of(labs: list[tuple[Lab, Path | None, str | None]]) -> list[list[Result]]:
    """Each lab's questions, in order, for (lab, answers.txt, student) each,
    with a note first where answers.txt is bad; their model runs are batched."""
    notes, asked = [], []
    for lab, answers_path, student in labs:
        try:
            answers = read_answers(answers_path) if answers_path else {}
            notes.append([])
        except LabError as e:
            answers = {}
            notes.append([Result("answers.txt", 0, 0, f"{e}\n", "note")])
        asked += [Asked(lab, q, answers.get(q.id), instance_for(student, lab, q))
                  for q in lab.questions]
    graded = iter(grade_questions(asked))
    return [note + [next(graded) for _ in lab.questions]
            for note, (lab, _, _) in zip(notes, labs)]


# one more worker than cores: a sandbox's setup is mostly waiting (bubblewrap
# making namespaces), when another task can use the core; the batch grader
# sets 1 (-j N: N sandboxes at once)
WORKERS = (os.cpu_count() or 2) + 1
# a sandbox and the fork of each run cost ~10 ms and ~0.2 ms: shares of 5
# tests take 7 sandboxes for a submission where shares of 3 took 11, and are
# still short enough that the cores finish together (make bench)
TESTS_PER_SANDBOX = 5
