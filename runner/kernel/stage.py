"""The kernel stage for one lab.c: build it into UP and SMP kernels, boot each
with the standard workloads, and return a verdict the grader can use.

    verdict = stage.run(Path("labs/02-leave-on-lru/solution.c"))
    verdict.passed, verdict.to_json()

A lab.c that does not compile fails with the compiler's first error line; a
kernel BUG/oops/panic, an LRULAB-CHECK, a leak, a hang (timeout) or a failed
guest workload fails its flavour.  Console logs are kept per flavour.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
