"""Timings of the kernel stage (python3 -m runner.kernel bench).

Full build of both flavours from the pristine tree into a fresh directory,
an incremental rebuild after a lab.c change, boot-to-first-report UP and
SMP, and the whole kernel stage for each labs/*/solution.c (build + UP boot
+ SMP boot).  Prints one line per measure and writes bench.json.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from . import build, guest, paths, qemu, stage

def run(pristine: Path, out: Path | None = None, log=print) -> dict[str, float]:
    out = out or paths.build_dir() / "bench"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    results: dict[str, float] = {}

    def record(name: str, seconds: float) -> None:
        results[name] = round(seconds, 2)
        log(f"bench {name}: {seconds:.1f} s")

    t = time.monotonic()
    for f in paths.FLAVOURS:
        record(f"full_build_{f}", build.build(pristine, f, out=out).seconds)
    record("full_build_both", time.monotonic() - t)
    initrd = guest.build(out)
    solutions = sorted((paths.REPO / "labs").glob("*/solution.c"))
    if solutions:
        r = build.build(pristine, "up", out=out, lab=solutions[0])
        record("incremental_build_lab_change", r.seconds)
    for f in paths.FLAVOURS:
        b = build.build(pristine, f, out=out)
        _, run_dir = paths.new_run_dir(f"bench-{f}", out)
        boot = qemu.boot(b.bzimage, initrd, run_dir, f, smp=f == "smp", workloads=stage.WORKLOADS)
        if boot.first_report is not None:
            record(f"boot_to_first_report_{f}", boot.first_report)
        record(f"boot_whole_run_{f}", boot.seconds)
    for sol in solutions:
        t = time.monotonic()
        ok = stage.run(sol, pristine, out=out).passed
        record(f"kernel_stage_{sol.parent.name}{'' if ok else '_FAILED'}", time.monotonic() - t)
    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    return results
