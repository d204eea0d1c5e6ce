"""The model stage: build a lab.c into the model and run the lab's tests.

A student's lab.c is statically checked, compiled and linked with the
model (its hooks replace fix-0212's for this lab only), then each test runs
lrusim on one scenario with the test's strategies and checkers.  Questions
are replayed against the variant they name.
"""
import hashlib
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runner import static_check
from runner.sandbox import run_untrusted
from runner.labs import BUILD, ROOT, Lab, LabError, Question, Test
from runner.results import LabReport, Result

LIBMODEL = BUILD / "libmodel.a"
MAIN_OBJ = BUILD / "model" / "fast" / "main.o"
LRUSIM = BUILD / "lrusim"
RUN_TIMEOUT = 60
# A kernel that BUGs, hangs or loops never passes a test, whatever it checks.
ALWAYS_CHECKED = "bug,deadlock,step-limit"
OUTPUT_CAP = 64 * 1024
MAX_ANSWERS_BYTES = 64 * 1024


def _cap(text: str) -> str:
    if len(text) <= OUTPUT_CAP:
        return text
    return text[:OUTPUT_CAP] + f"\n[... {len(text) - OUTPUT_CAP} more bytes cut]\n"


def build_lab_binary(lab: Lab, lab_c: Path, label: str) -> Path:
    """Static check (every time), then compile and link, cached by content.

    Raises StaticCheckError.  The cache key covers the file, the lab, the
    model library and the rules of the static check, and a cached binary is
    only ever used after the file has passed the check again.
    """
    for needed in (LIBMODEL, MAIN_OBJ):
        if not needed.exists():
            raise LabError(f"{needed.relative_to(ROOT)} is missing; run make first")
    source = lab_c.read_bytes() if lab_c.is_file() else b""
    digest = hashlib.sha256(source + lab.id.encode() + LIBMODEL.read_bytes()[-4096:] +
                            str(LIBMODEL.stat().st_mtime_ns).encode() +
                            Path(static_check.__file__).read_bytes()).hexdigest()[:20]
    out = BUILD / "labs" / lab.id / digest
    binary = out / "lrusim-lab"
    out.mkdir(parents=True, exist_ok=True)
    obj = out / "lab.o"
    static_check.static_check(lab_c, lab.hooks, label, obj)
    if binary.exists():
        return binary
    proc = run_untrusted(["gcc", "-o", str(binary) + ".tmp", str(obj), str(MAIN_OBJ),
                          str(LIBMODEL)], inputs=[obj, MAIN_OBJ, LIBMODEL],
                         outputs=[Path(str(binary) + ".tmp")], timeout=60,
                         raise_on_timeout=False)
    if proc.returncode != 0:
        raise static_check.StaticCheckError(
            f"{label}: does not link: {proc.stderr.strip().splitlines()[-1]}")
    Path(str(binary) + ".tmp").rename(binary)
    return binary


def run_lrusim(binary: Path, variant: str, scenario: str, strategy: str | list[str],
               check: str = "all", cpus: int = 2, up: bool = False,
               counters: bool = False) -> subprocess.CompletedProcess:
    """One model run; several strategies run in order in the same process."""
    strategies = [strategy] if isinstance(strategy, str) else strategy
    args = [str(binary), "--variant", variant, "--scenario", scenario,
            "--check", check, "--cpus", str(cpus)]
    for one in strategies:
        args += ["--strategy", one]
    if up:
        args.append("--up")
    if counters:
        args.append("--counters")
    try:
        return run_untrusted(args, inputs=[binary], timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, -9, "", "timed out after "
                                           f"{RUN_TIMEOUT} s (an endless loop?)")


def parse_counters(output: str) -> dict[str, int]:
    m = re.search(r"^counters: (.*)$", output, re.M)
    if not m:
        return {}
    return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def counter_holds(value: int, cond: str) -> bool:
    m = re.fullmatch(r"\s*(==|<=|>=|<|>)?\s*(-?\d+)\s*", str(cond))
    if not m:
        raise LabError(f"bad counter condition {cond!r}: use ==N, <=N or >=N")
    op, n = m.group(1) or "==", int(m.group(2))
    return {"==": value == n, "<=": value <= n, ">=": value >= n,
            "<": value < n, ">": value > n}[op]


def run_test(binary: Path, test: Test) -> Result:
    """All of a test's strategies in one model run: pass iff none finds a failure."""
    check = test.check if test.check == "all" else f"{test.check},{ALWAYS_CHECKED}"
    proc = run_lrusim(binary, "student", test.scenario, test.strategies, check,
                      test.cpus, test.up, counters=bool(test.counters))
    what = "strategies " + ", ".join(test.strategies)
    hint = f"hint: {test.hint}\n" if test.hint else ""
    if proc.returncode == 0 and not _completed(proc.stdout):
        # only the model's own summary after a finished search is a pass:
        # a process that merely exited 0 (say, from inside a hook) is not
        return Result(test.name, 0, test.points,
                      _cap(f"{what}: the model stopped before finishing its "
                           f"search\n{proc.stdout}"))
    if proc.returncode == 0 and test.counters:
        values = parse_counters(proc.stdout)
        bad = [f"{k} = {values.get(k)} (want {c})" for k, c in test.counters.items()
               if k not in values or not counter_holds(values[k], c)]
        if bad:
            return Result(test.name, 0, test.points,
                          _cap(f"{what}: safe, but " + ", ".join(bad) + "\n" +
                               proc.stdout) + hint)
    if proc.returncode != 0:
        why = proc.stdout
        signo = -proc.returncode if proc.returncode < 0 else \
            proc.returncode - 128 if 128 < proc.returncode < 160 else 0
        if signo and signo != 9:
            why += f"\nthe model crashed: {_signal_name(signo)} (a " \
                   "stack overflow from deep recursion, or a bad pointer)\n"
        elif proc.returncode != 1:
            why += f"\nlrusim exited with status {proc.returncode}: " \
                   f"{proc.stderr.strip()[-500:]}\n"
        return Result(test.name, 0, test.points, _cap(f"{what}:\n{why}") + hint)
    return Result(test.name, test.points, test.points,
                  f"{what}: {proc.stdout.strip().splitlines()[-1]}\n")


def _completed(stdout: str) -> bool:
    lines = stdout.strip().splitlines()
    return bool(lines) and lines[-1].startswith("explored: ") and \
        "no failure found" in stdout


def _signal_name(signo: int) -> str:
    import signal
    try:
        return f"signal {signo} ({signal.Signals(signo).name})"
    except ValueError:
        return f"signal {signo}"


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
    return LRUSIM, q.variant


_expected_cache: dict[tuple[str, str], int] = {}


def expected_number(lab: Lab, q: Question) -> int:
    """Computed by the model (once per grader process): never a number typed
    into lab.json.  It depends on the lab alone, not on the student."""
    key = (lab.id, q.id)
    if key not in _expected_cache:
        _expected_cache[key] = _compute_number(lab, q)
    return _expected_cache[key]


def _compute_number(lab: Lab, q: Question) -> int:
    binary, variant = question_binary(lab, q)
    if "counter" in q.compute:
        proc = run_lrusim(binary, variant, q.scenario, "replay:", "all", q.cpus,
                          q.up, counters=True)
        return parse_counters(proc.stdout)[q.compute["counter"]]
    if "min_preemptions" in q.compute:
        for bound in range(0, 6):
            proc = run_lrusim(binary, variant, q.scenario, f"dfs:{bound}",
                              q.compute["min_preemptions"], q.cpus, q.up)
            if proc.returncode == 1:
                return bound
        raise LabError(f"labs/{lab.id}/lab.json question {q.id}: no failure "
                       "within 5 preemptions")
    raise LabError(f"labs/{lab.id}/lab.json question {q.id}: compute needs "
                   "\"counter\" or \"min_preemptions\"")


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
    proc = run_lrusim(binary, variant, q.scenario, f"replay:{answer}",
                      q.check or "all", q.cpus, q.up, counters=bool(q.counters))
    if proc.returncode == 2:
        return Result(name, 0, q.points, f"{q.id}: not a schedule: "
                      f"{proc.stderr.strip()}\n", "question")
    if q.check:
        ok = proc.returncode == 1 and f"FAILURE [{q.check}]" in proc.stdout
        verdict = f"the replay {'shows' if ok else 'does not show'} [{q.check}]"
    else:
        values = parse_counters(proc.stdout)
        ok = all(k in values and counter_holds(values[k], c)
                 for k, c in q.counters.items())
        verdict = "counters " + ", ".join(f"{k}={values.get(k)}" for k in q.counters) + \
            (" as asked" if ok else f", but the question asks {q.counters}")
    head = "\n".join(proc.stdout.splitlines()[:12])
    return Result(name, q.points if ok else 0, q.points,
                  f"{q.id}: {verdict}\n{head}\n", "question")


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
            report.results += _parallel(lambda t: run_test(binary, t), lab.tests)
    try:
        answers = read_answers(answers_path) if answers_path else {}
    except LabError as e:
        answers = {}
        report.results.append(Result("answers.txt", 0, 0, f"{e}\n", "note"))
    report.results += _parallel(lambda q: grade_question(lab, q, answers.get(q.id)),
                                lab.questions)
    return report


def grade_submission(jobs: list[tuple[Lab, Path | None, Path | None, str]]) -> list[LabReport]:
    """Grade several labs of one submission at once: (lab, lab.c, answers, label)."""
    return _parallel(lambda job: grade_lab(*job), jobs)


def _parallel(fn, items: list) -> list:
    """Each item's lrusim runs are independent processes: use every cpu."""
    if len(items) < 2:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(fn, items))
