"""./lab selftest: the instructor's proof that every lab grades as it should.

For each lab: the reference solution (markers stripped) and the answer key
score full marks; every bad variant loses points on the test its first line
names ("/* rejected by: TEST */"); every correct rewrite in good/ scores
full marks on the code tests; the generated skeleton compiles and scores 0
on every code test.
"""
import re
import tempfile
from pathlib import Path

from runner import labs
from runner.model.stage import grade_lab
from runner.skeleton import make_skeleton, strip_markers

REJECTED_BY = re.compile(r"/\*\s*rejected by:\s*([\w.-]+)\s*\*/")


def named_test(path: Path) -> str:
    first = path.read_text().splitlines()[0] if path.read_text() else ""
    m = REJECTED_BY.search(first)
    if not m:
        raise labs.LabError(f"{path.relative_to(labs.ROOT)}: the first line must be "
                            "/* rejected by: TEST-NAME */")
    return m.group(1)


SAMPLE = 32     # every 32nd instance is checked


def unanswerable(lab: labs.Lab, q: labs.Question) -> list[int]:
    """The sampled instances on which the model finds no answer to q."""
    from runner.model import lrusim, questions
    bad = []
    for n in range(0, questions.nr_instances(), SAMPLE):
        if q.kind == "number":
            try:
                questions.expected_number(lab, q, n)
            except labs.LabError:
                bad.append(n)
        elif q.check:
            binary, variant = questions.question_binary(lab, q)
            out = lrusim.run(binary, variant, q.scenario, "dfs:5", q.check, q.cpus, q.up,
                             instance=n, memory=q.memory)
            if not out.failure or out.failure.checker != q.check:
                bad.append(n)
    return bad


def check_lab(lab: labs.Lab, say) -> int:
    with tempfile.TemporaryDirectory(prefix="lab-check-") as tmp:
        return _check_lab(lab, say, Path(tmp))


def _check_lab(lab: labs.Lab, say, tmp: Path) -> int:
    problems = 0
    key = lab.dir / "answers.txt"
    if lab.has_code:
        ref = tmp / "reference.c"
        ref.write_text(strip_markers(lab.solution.read_text()))
    report = grade_lab(lab, ref if lab.has_code else None, key,
                       f"labs/{lab.id}/solution.c")
    ok = report.score == report.max_score and not report.error
    problems += not ok
    say(f"{'ok  ' if ok else 'BAD '} {lab.id}: reference + answer key "
        f"{report.score}/{report.max_score}")
    if not ok:
        for r in report.results:
            if r.score < r.max_score:
                say(f"       {r.name}: {r.score}/{r.max_score}\n" +
                    "\n".join("         " + l for l in r.output.splitlines()[:40]))
    tests = {t.name: t for t in lab.tests}
    for bad in lab.bad_variants():
        name = named_test(bad)
        if name not in tests:
            say(f"BAD  {lab.id}: {bad.name} names {name!r}, not a test of this lab")
            problems += 1
            continue
        report = grade_lab(lab, bad, None, f"labs/{lab.id}/bad/{bad.name}")
        lost = [r.name for r in report.results if r.kind == "test" and r.score < r.max_score]
        ok = name in lost
        problems += not ok
        say(f"{'ok  ' if ok else 'BAD '} {lab.id}: bad/{bad.name} rejected by "
            f"{name}" + (f" (also fails: {', '.join(l for l in lost if l != name)})"
                         if len(lost) > 1 else "") +
            ("" if ok else f": it passed {name}"))
    for q in lab.questions:
        bad = unanswerable(lab, q)
        problems += bool(bad)
        say(f"{'ok  ' if not bad else 'BAD '} {lab.id}: {q.id} answerable on instances "
            f"0, {SAMPLE}, ..." + (f": not on {bad}" if bad else ""))
    for good in lab.good_variants():
        report = grade_lab(lab, good, None, f"labs/{lab.id}/good/{good.name}")
        lost = [r.name for r in report.results if r.kind == "test" and r.score < r.max_score]
        ok = not report.error and not lost
        problems += not ok
        say(f"{'ok  ' if ok else 'BAD '} {lab.id}: good/{good.name} keeps full marks" +
            ("" if ok else f": {report.error or 'loses ' + ', '.join(lost)}"))
    if lab.has_code:
        skel = tmp / "skeleton.c"
        skel.write_text(make_skeleton(lab.solution.read_text(), lab.id))
        report = grade_lab(lab, skel, None, f"skeleton of {lab.id}")
        code = [r for r in report.results if r.kind == "test"]
        ok = not report.error and all(r.score == 0 for r in code)
        problems += not ok
        say(f"{'ok  ' if ok else 'BAD '} {lab.id}: skeleton compiles and scores "
            f"{sum(r.score for r in code)} on code tests" +
            (f" ({report.error})" if report.error else ""))
    return problems


def check_all(quiet: bool = False, only: str | None = None) -> int:
    if not any(lab.has_code and lab.solution.exists() for lab in labs.all_labs()):
        raise labs.LabError("./lab selftest is the instructors' self-test and needs the labs' "
                            "solutions, which this tree (a student kit?) does not have; "
                            "./lab test ID grades your work")
    wanted = set(only.split(",")) if only else None
    problems = 0
    say = (lambda s: None) if quiet else print
    for lab in labs.all_labs():
        if wanted and lab.id not in wanted:
            continue
        problems += check_lab(lab, say)
    print(f"lab selftest: {'all good' if not problems else f'{problems} problem(s)'}")
    return 0 if not problems else 1
