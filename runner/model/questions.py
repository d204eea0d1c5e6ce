"""A lab's questions: each student's own instance of each, answered and graded by the model.

A question names a variant and a scenario; each student answers it on an
instance of that scenario of their own (lrusim --instance N: other pages
ahead on the LRU, other work first, the cpus' roles swapped), chosen from
the course seed, the student's id, the lab and the question.  So one
student's schedule or number is no answer for another's.  The model grades
every answer: a schedule is replayed, a number is computed (never typed
into a key); labs/ID/answers.txt only holds instance 0's answers, for the
self-test, and no named student is ever given instance 0 (so neither that
key, nor a schedule the book or the docs print for the scenario as written,
answers anyone's graded question).
"""
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from runner.labs import ROOT, Lab, LabError, Question
from runner.model import lrusim
from runner.model.feedback import last_step_shown
from runner.model.lrusim import counter_holds
from runner.model.build import build_lab_binary
from runner.results import Result

COURSE = ROOT / "course.json"
MAX_ANSWERS_BYTES = 64 * 1024
DEFAULT_SEED = "lrulab"
_instances: list[int] = []


def course_seed() -> str:
    """LRULAB_COURSE_SEED, else course.json's "seed" (the instructor's), else the default."""
    if os.environ.get("LRULAB_COURSE_SEED"):
        return os.environ["LRULAB_COURSE_SEED"]
    if COURSE.exists():
        try:
            seed = json.loads(COURSE.read_text()).get("seed")
        except ValueError as e:
            raise LabError(f"course.json: not JSON ({e}); fix it or remove it") from None
        if not isinstance(seed, str) or not seed:
            raise LabError('course.json: needs "seed": "some text"; set it or remove the file')
        return seed
    return DEFAULT_SEED


def nr_instances() -> int:
    """How many instances lrusim has (its own list says)."""
    if not _instances:
        import subprocess
        out = subprocess.run([str(lrusim.LRUSIM), "--list", "--json"], capture_output=True,
                             text=True, check=True).stdout
        _instances.append(int(json.loads(out)["instances"]))
    return _instances[0]


def instance_for(student: str | None, lab: Lab, q: Question) -> int:
    """The student's instance of this question, from 1; 0 without a student."""
    if not student:
        return 0
    key = "\0".join((course_seed(), student, lab.id, q.id)).encode()
    return 1 + int(hashlib.sha256(key).hexdigest()[:12], 16) % (nr_instances() - 1)


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


def command(lab: Lab, q: Question, instance: int) -> str:
    """The lrusim command a student runs to explore their instance."""
    variant = q.variant if not q.variant.startswith("bad/") else "student"
    parts = ["build/lrusim", "--variant", variant, "--scenario", q.scenario]
    if q.up:
        parts.append("--up")
    parts += ["--instance", str(instance)]
    if q.memory != "sc":
        parts += ["--memory", q.memory]
    return " ".join(parts)


_expected_cache: dict[tuple[str, str, int], int] = {}


@dataclass
class Asked:
    """One question as one student is asked it: their answer, on their instance."""
    lab: Lab
    q: Question
    answer: str | None
    instance: int = 0


def expected_number(lab: Lab, q: Question, instance: int) -> int:
    """Computed by the model (once per grader process and instance)."""
    key = (lab.id, q.id, instance)
    if key not in _expected_cache:
        binary, request = _number_run(lab, q, instance)
        _expected_cache[key] = _number_from(lab, q, instance,
                                            lrusim.run_many(binary, [request])[0])
    return _expected_cache[key]


def _number_run(lab: Lab, q: Question, instance: int) -> tuple[Path, lrusim.Request]:
    """The model run that computes a number question's answer."""
    binary, variant = question_binary(lab, q)
    if "counter" in q.compute:
        return binary, lrusim.Request(variant, q.scenario, ["replay:"], "default", q.cpus,
                                      q.up, instance=instance, memory=q.memory)
    for kind in ("failing_step", "min_preemptions"):
        if kind in q.compute:
            return binary, lrusim.Request(variant, q.scenario, ["dfs:5"], q.compute[kind],
                                          q.cpus, q.up, instance=instance, memory=q.memory)
    raise LabError(f"labs/{lab.id}/lab.json question {q.id}: compute needs \"counter\", "
                   "\"failing_step\" or \"min_preemptions\"")


def _number_from(lab: Lab, q: Question, instance: int, out: lrusim.Outcome) -> int:
    """The number a question asks for, from its _number_run's outcome."""
    where = f"labs/{lab.id}/lab.json question {q.id} (instance {instance})"
    if "counter" in q.compute:
        if out.error or q.compute["counter"] not in out.counters:
            raise LabError(f"{where}: the model gave no counter "
                           f"{q.compute['counter']}: {out.error}")
        return out.counters[q.compute["counter"]]
    kind = "failing_step" if "failing_step" in q.compute else "min_preemptions"
    if not out.failure or out.failure.bound is None:
        raise LabError(f"{where}: no {q.compute[kind]} within 5 preemptions")
    if kind == "min_preemptions":
        return out.failure.bound
    return last_step_shown(out.failure.trace)


def solve(lab: Lab, q: Question, instance: int) -> str | None:
    """The model's own answer on an instance (for the self-test, the tests and
    the share-rate measure): a computed number, a minimized failing schedule,
    or for a counters question the first of the simple schedules "C*K" and
    "C*K D" that gives the counters asked.  None if it finds none."""
    if q.kind == "number":
        return str(expected_number(lab, q, instance))
    binary, variant = question_binary(lab, q)
    if q.check:
        out = lrusim.run(binary, variant, q.scenario, "dfs:5", q.check, q.cpus, q.up,
                         instance=instance, memory=q.memory)
        return out.failure.minimized["schedule"] if out.failure else None
    cpus = 1 if q.up else q.cpus
    for k in range(1, 400):
        for c in range(cpus):
            for tail in ["", *[f" {d}" for d in range(cpus) if d != c]]:
                sched = f"{c}*{k}{tail}"
                if grade_question(lab, q, sched, instance).score == q.points:
                    return sched
    return None


def grade_question(lab: Lab, q: Question, answer: str | None, instance: int = 0) -> Result:
    return grade_questions([Asked(lab, q, answer, instance)])[0]


def grade_questions(asked: list[Asked]) -> list[Result]:
    """Each answer's grade.  The model runs they need share one sandbox per
    binary (lrusim.run_many): most are a few milliseconds, a sandbox costs more."""
    results: list[Result | None] = [_graded_without_a_run(a) for a in asked]
    runs = {i: _number_run(a.lab, a.q, a.instance) if a.q.kind == "number" else
            _replay_run(a) for i, a in enumerate(asked) if results[i] is None}
    for i, out in zip(runs, _run_grouped(list(runs.values()))):
        a = asked[i]
        if a.q.kind == "number":
            _expected_cache[(a.lab.id, a.q.id, a.instance)] = \
                _number_from(a.lab, a.q, a.instance, out)
            results[i] = _graded_without_a_run(a)
        else:
            results[i] = _judge_replay(a, out)
    return results


def _run_grouped(runs: list[tuple[Path, lrusim.Request]]) -> list[lrusim.Outcome]:
    """The runs, those of one binary in one sandbox; outcomes in the runs' order."""
    by_binary: dict[Path, list[int]] = {}
    for i, (binary, _) in enumerate(runs):
        by_binary.setdefault(binary, []).append(i)
    outcomes: list[lrusim.Outcome | None] = [None] * len(runs)
    for binary, which in by_binary.items():
        for i, out in zip(which, lrusim.run_many(binary, [runs[i][1] for i in which])):
            outcomes[i] = out
    return outcomes


def _yours(a: Asked) -> str:
    return f"{a.q.id}, your instance {a.instance} ({command(a.lab, a.q, a.instance)})"


def _graded_without_a_run(a: Asked) -> Result | None:
    """The grade if no model run is needed for it (no answer, not a number, a
    number already computed), else None."""
    q, answer = a.q, a.answer
    name = f"{q.id} ({q.kind})"
    if not answer:
        return Result(name, 0, q.points, f"no answer for {q.id} in answers.txt; "
                      f"{_yours(a)}\n", "question")
    if q.kind != "number":
        return None
    try:
        given = int(answer)
    except ValueError:
        return Result(name, 0, q.points, f"{q.id}: {answer!r} is not a whole "
                      "number\n", "question")
    expected = _expected_cache.get((a.lab.id, q.id, a.instance))
    if expected is None:
        return None
    ok = given == expected
    return Result(name, q.points if ok else 0, q.points,
                  f"{_yours(a)}: you answered {given}: " +
                  ("right\n" if ok else "not what the model computes\n"), "question")


def _replay_run(a: Asked) -> tuple[Path, lrusim.Request]:
    """The replay of a schedule answer on the student's instance."""
    binary, variant = question_binary(a.lab, a.q)
    return binary, lrusim.Request(variant, a.q.scenario, [f"replay:{a.answer}"],
                                  a.q.check or "default", a.q.cpus, a.q.up,
                                  instance=a.instance, memory=a.q.memory)


def _judge_replay(a: Asked, out: lrusim.Outcome) -> Result:
    q = a.q
    name = f"{q.id} ({q.kind})"
    if out.error:
        return Result(name, 0, q.points, f"{q.id}: not a schedule the model can "
                      f"replay: {out.error}\n", "question")
    if out.diverged_at is not None:
        return Result(name, 0, q.points, f"{_yours(a)}: at step {out.diverged_at} your "
                      "schedule asks for a step this instance cannot take (a cpu with nothing "
                      "to run, an interrupt that cannot arrive there, or steps after the "
                      "end): replay it on your own instance and follow its trace\n",
                      "question")
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
    return Result(name, q.points if ok else 0, q.points, f"{_yours(a)}: {verdict}\n",
                  "question")
