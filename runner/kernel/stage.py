"""The kernel stage for one lab.c: build it into UP and SMP kernels, boot each
with the standard workloads, and return a verdict the grader can use, and
that verdict as lab results (grade_kernel): one per flavour, each worth half
of the lab's "kernel_points" (lab.json, default 20).

    verdict = stage.run(Path("labs/02-leave-on-lru/solution.c"))
    verdict.passed, verdict.run_id, verdict.to_json()

Every run has its own directory, build/kernel/runs/RUN_ID/, with the
console and report of each flavour and verdict.json; nothing is ever
overwritten, and the run id is in the feedback.  A lab.c that does not
compile fails that flavour with the compiler's first error, naming the
student's file; a kernel BUG/oops/panic, an LRULAB-CHECK, a deadlock or
stuck CPU (the harness's watchdog), a leak, a hang (timeout) or a failed
guest workload fails its flavour.

When the model rejects the lab.c with a schedule that preempts one context
for another, grade_kernel boots that schedule too (replay.py): the flavours
the replay needs get its workloads and its lrulab_replay= rule, and the
feedback says whether the kernel met the schedule's rendezvous.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from runner import static_check
from runner.labs import Lab, LabError
from runner.results import Result

from . import build, guest, labsource, paths, qemu, replay, source

WORKLOADS = ("cow", "swap", "pin", "pressure")
# A backstop only: the harness's watchdog ends a stuck run within seconds.
TIMEOUT = 90.0
# a replay adds its workloads (race: 20 rounds) and waits of up to 16 x 0.5 s
REPLAY_TIMEOUT = 150.0
IN_KERNEL_NAME = "lrulab_lab.c"       # how the kernel's BUG() names the lab.c


@dataclass
class FlavourVerdict:
    flavour: str
    passed: bool
    problems: list[str]
    tests: dict[str, bool]
    counters: dict[str, int]
    oops: list[str]
    console_log: str
    seconds: float
    build_error: str | None = None
    replay: str | None = None          # the lrulab_replay= rule of this boot, if any
    retried: str | None = None         # "host starved: ...; retried" (qemu.boot)


@dataclass
class StageVerdict:
    lab: str | None
    passed: bool
    run_id: str = ""
    run_dir: str = ""
    build_error: str | None = None     # the first flavour's, if any
    flavours: list[FlavourVerdict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def run_name(lab: Path | None) -> str:
    """labs/ID/bad/x.c -> ID-bad-x (two labs' variants may share a name)."""
    if lab is None:
        return "no-lab"
    return "-".join(p for p in (lab.parent.parent.name, lab.parent.name, lab.stem) if p)


def run(lab: Path | None, tree: Path | None = None,
        flavours: tuple[str, ...] = paths.FLAVOURS,
        workloads: tuple[str, ...] = WORKLOADS, out: Path | None = None,
        timeout: float = TIMEOUT, label: str | None = None,
        plan: replay.Plan | None = None) -> StageVerdict:
    """Build lab (None: no lab.c, i.e. the 12 Feb patch) into each flavour and boot it.
    workloads may carry kernel words too (lrulab_delay=2000).  With a plan that
    has a rule, each flavour it names boots a second time with the plan's
    workloads and rule (a second FlavourVerdict of that flavour, replay set)."""
    tree = tree or source.find()
    if tree is None:
        raise source.SourceError("no Linux 2.4.17 tree: run `make kernel-src`")
    out = out or paths.build_dir()
    label = label or (str(lab) if lab is not None else "no lab.c")
    run_id, run_dir = paths.new_run_dir(run_name(lab), out)
    verdict = StageVerdict(str(lab) if lab else None, True, run_id, str(run_dir))
    initrd = guest.build(out)
    for f in flavours:
        try:
            b = build.build(tree, f, out=out, lab=lab, label=label)
        except build.BuildError as e:
            verdict.passed = False
            verdict.build_error = verdict.build_error or str(e)
            verdict.flavours.append(FlavourVerdict(f, False, [f"build: {e}"], {}, {}, [],
                                                   "", 0.0, str(e)))
            continue
        boots = [(workloads, None, run_dir, timeout)]
        if plan is not None and plan.rule is not None and f in plan.flavours:
            # a boot of its own, with the plan's workloads only: the plain
            # boot's verdict stays what it was, and the rule's waits are spent
            # on workloads that can take the schedule's path
            boots.append((plan.kernel_words(), plan.rule, run_dir / "replay",
                          max(timeout, REPLAY_TIMEOUT)))
        for words, rule, where, limit in boots:
            r = qemu.boot(b.bzimage, initrd, where, f, smp=f == "smp", workloads=words,
                          timeout=limit)
            fv = flavour_verdict(r, f, b.system_map, label, rule)
            verdict.flavours.append(fv)
            verdict.passed = verdict.passed and fv.passed
    (run_dir / "verdict.json").write_text(verdict.to_json() + "\n")
    return verdict


def flavour_verdict(r: qemu.BootResult, flavour: str, system_map: Path, label: str,
                    rule: str | None = None) -> FlavourVerdict:
    """One boot's verdict: the kernel's problems (naming the student's file)
    and the guest's failed workloads fail it."""
    problems = [p.replace(IN_KERNEL_NAME, label) for p in r.problems()]
    tests = {name: ok for name, (ok, _) in r.tests().items()}
    problems += [f"workload {name} failed" for name, ok in tests.items() if not ok]
    return FlavourVerdict(flavour, not problems and r.status == 0, problems, tests,
                          r.counters(),
                          qemu.decode_oops(r.console, system_map) if problems else [],
                          r.console_log, round(r.seconds, 2), replay=rule,
                          retried=r.retried)


# ---- the verdict as lab results ---------------------------------------------

DEFAULT_POINTS = 20
NO_TREE = ("no Linux 2.4.17 tree: run `make kernel-src` (KERNEL_SRC=DIR or "
           "KERNEL_TARBALL=FILE offline), then `make kernel`")


def kernel_points(lab: Lab) -> int:
    data = json.loads((lab.dir / "lab.json").read_text())
    return int(data.get("kernel_points", DEFAULT_POINTS)) if lab.has_code else 0


def _halves(lab: Lab) -> dict[str, int]:
    points = kernel_points(lab)
    return {"up": points // 2, "smp": points - points // 2}


def not_run(lab: Lab, why: str) -> list[Result]:
    """The kernel stage's results, at 0, when it does not run (why: one line)."""
    if not lab.has_code:
        return []
    return [Result(f"kernel-{f}", 0, pts, f"not run: {why}\n")
            for f, pts in _halves(lab).items()]


def _tree():
    """KERNEL_SRC (verified) or the tree `make kernel-src` cached, else None."""
    try:
        return source.find(os.environ.get("KERNEL_SRC") or None)
    except source.SourceError as e:
        raise LabError(f"KERNEL_SRC: {e}") from None


def tree_available() -> bool:
    return _tree() is not None


def grade_kernel(lab: Lab, lab_c: Path, label: str) -> list[Result]:
    """Boot lab_c on UP and SMP; LabError when there is no tree to build."""
    if not lab.has_code:
        return []
    halves = _halves(lab)
    static_check.check_file(lab_c, lab.hooks, label)
    try:
        labsource.check_no_conditionals(lab_c, label)
    except static_check.StaticCheckError as e:
        return not_run(lab, str(e))
    tree = _tree()
    if tree is None:
        raise LabError(f"--stage kernel: {NO_TREE}")
    plan = replay.plan_for_lab(lab, lab_c, label)
    verdict = run(lab_c, tree=tree, label=label, plan=plan)
    results = []
    for f in dict.fromkeys(fv.flavour for fv in verdict.flavours):
        boots = [fv for fv in verdict.flavours if fv.flavour == f]
        if boots[0].build_error:
            results.append(Result(f"kernel-{f}", 0, halves[f],
                                  f"does not build in the kernel: {boots[0].build_error}\n"
                                  f"run {verdict.run_id}\n"))
            continue
        lines = []
        for fv in boots:
            lines += _boot_lines(fv, verdict.run_id, plan)
        passed = all(fv.passed for fv in boots)
        results.append(Result(f"kernel-{f}", halves[f] if passed else 0, halves[f],
                              "\n".join(lines) + "\n"))
    return results


def replay_met(fv: FlavourVerdict) -> bool:
    """Was the replay's wait met?  The counters, or the console when the boot
    died before the guest copied them (a met 7 Feb replay usually does)."""
    if fv.counters.get("replay_met"):
        return True
    try:
        return "lrulab: replay met" in Path(fv.console_log).read_text(errors="replace")
    except OSError:
        return False


def _boot_lines(fv: FlavourVerdict, run_id: str, plan: replay.Plan) -> list[str]:
    """The feedback of one boot."""
    if fv.replay:
        lines = [f"booted {fv.flavour.upper()} again in {fv.seconds} s, replaying the "
                 f"model's schedule ({plan.why}) " +
                 (f"in the model's scenario, built by the guest on a page of its own "
                  f"(rule {fv.replay}): " if plan.directed else
                  f"with {' '.join(plan.workloads)} and lrulab_replay={fv.replay}: ") +
                 ("met" if replay_met(fv) else
                  f"not met in {fv.counters['replay_tries']} waits"
                  if "replay_tries" in fv.counters else "not met before the boot ended")]
    else:
        lines = [f"booted {fv.flavour.upper()} in {fv.seconds} s with the "
                 f"{', '.join(WORKLOADS[:-1])} and {WORKLOADS[-1]} workloads "
                 f"(run {run_id})"]
    if fv.retried:
        lines.append(f"note: {fv.retried}")
    lines += [f"problem: {p}" for p in fv.problems]
    lines += [f"  {o}" for o in fv.oops]
    if fv.counters:
        lines.append("counters: " + " ".join(f"{k}={v}" for k, v in
                                             sorted(fv.counters.items())))
    lines.append(f"console log: {fv.console_log}")
    return lines
