"""The kernel stage for one lab.c: build it into UP and SMP kernels, boot each
with the standard workloads, and return a verdict the grader can use, and
that verdict as lab results (grade_kernel): one per flavour, each worth half
of the lab's "kernel_points" (lab.json, default 20).

    verdict = stage.run(Path("labs/02-leave-on-lru/solution.c"))
    verdict.passed, verdict.to_json()

A lab.c that does not compile fails with the compiler's first error line; a
kernel BUG/oops/panic, an LRULAB-CHECK, a leak, a hang (timeout) or a failed
guest workload fails its flavour.  Console logs are kept per flavour.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from runner import static_check
from runner.labs import Lab, LabError
from runner.results import Result

from . import build, guest, paths, qemu, source

WORKLOADS = ("cow", "swap", "pin", "pressure")
TIMEOUT = 180.0


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


@dataclass
class StageVerdict:
    lab: str | None
    passed: bool
    build_error: str | None = None
    flavours: list[FlavourVerdict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def run(lab: Path | None, tree: Path | None = None,
        flavours: tuple[str, ...] = paths.FLAVOURS,
        workloads: tuple[str, ...] = WORKLOADS, out: Path | None = None,
        timeout: float = TIMEOUT) -> StageVerdict:
    """Build lab (None: no lab.c, i.e. the 12 Feb patch) into each flavour and boot it."""
    tree = tree or source.find()
    if tree is None:
        raise source.SourceError("no Linux 2.4.17 tree: run `make kernel-src`")
    out = out or paths.build_dir()
    # labs/ID/bad/x.c -> ID-bad-x: bad variants of two labs may share a name
    runs = out / "runs" / ("no-lab" if lab is None else
                           "-".join(p for p in (lab.parent.parent.name, lab.parent.name,
                                                lab.stem) if p))
    verdict = StageVerdict(str(lab) if lab else None, True)
    initrd = guest.build(out)
    for f in flavours:
        try:
            b = build.build(tree, f, out=out, lab=lab)
        except build.BuildError as e:
            verdict.passed = False
            verdict.build_error = str(e)
            return verdict
        r = qemu.boot(b.bzimage, initrd, runs, f, smp=f == "smp", workloads=workloads,
                      timeout=timeout)
        problems = r.problems()
        tests = {name: ok for name, (ok, _) in r.tests().items()}
        problems += [f"workload {name} failed" for name, ok in tests.items() if not ok]
        fv = FlavourVerdict(f, not problems and r.status == 0, problems, tests, r.counters(),
                            qemu.decode_oops(r.console, b.system_map) if problems else [],
                            str(runs / f"console-{f}.log"), round(r.seconds, 2))
        verdict.flavours.append(fv)
        verdict.passed = verdict.passed and fv.passed
    return verdict


# ---- the verdict as lab results ---------------------------------------------

DEFAULT_POINTS = 20
NO_TREE = ("no Linux 2.4.17 tree: run `make kernel-src` (KERNEL_SRC=DIR or "
           "KERNEL_TARBALL=FILE offline), then `make kernel`")


def kernel_points(lab: Lab) -> int:
    data = json.loads((lab.dir / "lab.json").read_text())
    return int(data.get("kernel_points", DEFAULT_POINTS)) if lab.has_code else 0


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
    points = kernel_points(lab)
    halves = {"up": points // 2, "smp": points - points // 2}
    static_check.check_file(lab_c, lab.hooks, label)
    tree = _tree()
    if tree is None:
        raise LabError(f"--stage kernel: {NO_TREE}")
    verdict = run(lab_c, tree=tree)
    if verdict.build_error:
        return [Result(f"kernel-{f}", 0, halves[f], f"does not build in the kernel: "
                       f"{verdict.build_error}\n") for f in ("up", "smp")]
    results = []
    for fv in verdict.flavours:
        lines = [f"booted {fv.flavour.upper()} in {fv.seconds} s with the cow, swap, "
                 "pin and pressure workloads"]
        lines += [f"problem: {p}" for p in fv.problems]
        lines += [f"  {o}" for o in fv.oops]
        if fv.counters:
            lines.append("counters: " + " ".join(f"{k}={v}" for k, v in
                                                 sorted(fv.counters.items())))
        lines.append(f"console log: {fv.console_log}")
        results.append(Result(f"kernel-{fv.flavour}",
                              halves[fv.flavour] if fv.passed else 0,
                              halves[fv.flavour], "\n".join(lines) + "\n"))
    return results
