"""The model stage: a lab.c built into the model, and the lab's tests and questions.

The lab.c becomes a WebAssembly lab module inside lrusim-lab (build.py);
its hooks replace fix-0212's for this lab only.  Each test is one
sandboxed model run of one scenario with the test's strategies and
checkers, judged from lrusim's JSON result alone (lrusim.py): a pass is a
finished search that found no failure.  Questions are replayed against the
variant they name.
"""
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runner import static_check
from runner.labs import Lab, LabError, Question, Test
from runner.model import feedback, lrusim
from runner.model.build import build_lab_binary
from runner.results import LabReport, Result

MAX_ANSWERS_BYTES = 64 * 1024
OPS = {"==": int.__eq__, "<=": int.__le__, ">=": int.__ge__, "<": int.__lt__,
       ">": int.__gt__}


def counter_holds(value: int, cond: str) -> bool:
    text = str(cond).strip()
    op = next((o for o in ("==", "<=", ">=", "<", ">") if text.startswith(o)), "")
    try:
        n = int(text[len(op):])
    except ValueError:
        raise LabError(f"bad counter condition {cond!r}: use ==N, <=N or >=N") from None
    return OPS[op or "=="](value, n)


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


def read_answers(path: Path) -> dict[str, str]:
    """work/ID/answers.txt: lines `ID: answer`; # starts a comment."""
    if not path.exists():
        return {}
    if path.stat().st_size > MAX_ANSWERS_BYTES:
        raise LabError(f"{path.name}: {path.stat().st_size} bytes; answers are "
                       f"short lines (at most {MAX_ANSWERS_BYTES // 1024} KiB)")
    answers = {}
    for line in path.read_text(errors="replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            key, value = line.split(":", 1)
            answers[key.strip()] = value.strip()
    return answers


def question_binary(lab: Lab, q: Question) -> tuple[Path, str]:
    """The binary and --variant that a question's variant names."""
    if q.variant.startswith("bad/"):
        path = lab.dir / q.variant
        return build_lab_binary(lab, path, f"labs/{lab.id}/{q.variant}"), "student"
    return lrusim.LRUSIM, q.variant


_expected_cache: dict[tuple[str, str], int] = {}


def expected_number(lab: Lab, q: Question) -> int:
    """Computed by the model (once per grader process): never a number typed
    into lab.json."""
    key = (lab.id, q.id)
    if key not in _expected_cache:
        _expected_cache[key] = _compute_number(lab, q)
    return _expected_cache[key]


def _compute_number(lab: Lab, q: Question) -> int:
    binary, variant = question_binary(lab, q)
    where = f"labs/{lab.id}/lab.json question {q.id}"
    if "counter" in q.compute:
        out = lrusim.run(binary, variant, q.scenario, "replay:", "default", q.cpus, q.up)
        if out.error or q.compute["counter"] not in out.counters:
            raise LabError(f"{where}: the model gave no counter "
                           f"{q.compute['counter']}: {out.error}")
        return out.counters[q.compute["counter"]]
    if "min_preemptions" in q.compute:
        out = lrusim.run(binary, variant, q.scenario, "dfs:5", q.compute["min_preemptions"],
                         q.cpus, q.up)
        if not out.failure or out.failure.bound is None:
            raise LabError(f"{where}: no failure within 5 preemptions")
        return out.failure.bound
    raise LabError(f"{where}: compute needs \"counter\" or \"min_preemptions\"")


def grade_question(lab: Lab, q: Question, answer: str | None) -> Result:
    name = f"{q.id} ({q.kind})"
    if not answer:
        return Result(name, 0, q.points, f"no answer for {q.id} in answers.txt\n",
                      "question")
    if q.kind == "number":
        try:
            given = int(answer)
        except ValueError:
            return Result(name, 0, q.points, f"{q.id}: {answer!r} is not a whole "
                          "number\n", "question")
        want = expected_number(lab, q)
        ok = given == want
        return Result(name, q.points if ok else 0, q.points,
                      f"{q.id}: you answered {given}: " +
                      ("right\n" if ok else "not what the model computes\n"),
                      "question")
    binary, variant = question_binary(lab, q)
    out = lrusim.run(binary, variant, q.scenario, f"replay:{answer}", q.check or "default",
                     q.cpus, q.up)
    if out.error:
        return Result(name, 0, q.points, f"{q.id}: not a schedule the model can "
                      f"replay: {out.error}\n", "question")
    if q.check:
        ok = bool(out.failure and out.failure.checker == q.check)
        got = f"[{out.failure.checker}] {out.failure.message}" if out.failure else \
            "no failure"
        verdict = f"the replay {'shows' if ok else 'does not show'} [{q.check}]: {got}"
    else:
        ok = not out.failure and all(k in out.counters and counter_holds(out.counters[k], c)
                                     for k, c in q.counters.items())
        verdict = "counters " + ", ".join(f"{k}={out.counters.get(k)}" for k in q.counters) + \
            (" as asked" if ok else f", but the question asks {q.counters}")
    return Result(name, q.points if ok else 0, q.points, f"{q.id}: {verdict}\n", "question")


def grade_lab(lab: Lab, lab_c: Path | None, answers_path: Path | None,
              label: str) -> LabReport:
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
    report.results += parallel(lambda q: grade_question(lab, q, answers.get(q.id)),
                               lab.questions)
    return report


def grade_submission(jobs: list[tuple[Lab, Path | None, Path | None, str]]) -> list[LabReport]:
    """Grade several labs of one submission at once: (lab, lab.c, answers, label)."""
    return parallel(lambda job: grade_lab(*job), jobs)


def parallel(fn, items: list) -> list:
    """Each item's lrusim runs are independent processes: use every cpu."""
    if len(items) < 2 or WORKERS == 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(fn, items))


WORKERS = os.cpu_count() or 2       # the batch grader sets 1: -j N sandboxes at once
