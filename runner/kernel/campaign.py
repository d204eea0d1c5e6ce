"""Boot one kernel many times and count what goes wrong (python3 -m runner.kernel
campaign): the measure behind "0 crashes in N boots" and the flake rates.

The kernel is built once (with --lab, or none: the 12 Feb patch); each boot
has its own directory under one run directory; the summary, with the
machine's load before and after, goes to stdout and campaign.json (rewritten
after every boot, so that a campaign cut short still says what it saw).
Boots run one after the other (never two QEMUs of ours at once).  A boot
that qemu.boot retried because the host starved QEMU counts once, by its
second run, and the retries are counted; a second run starved too is
"starved", neither clean nor a crash.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from pathlib import Path

from . import build, guest, paths, qemu

CRASH_KINDS = ("panic", "BUG", "oops", "lockup", "deadlock", "watchdog")


def classify(r: qemu.BootResult) -> str:
    """clean, crash (the kernel died or a CPU got stuck), starved (a watchdog
    verdict the host faked, twice), or problem (anything else)."""
    problems = r.problems()
    if problems and problems[0].startswith("starved:"):
        return "starved"
    if any(p.split(":", 1)[0] in CRASH_KINDS for p in problems):
        return "crash"
    if problems or r.status != 0:
        return "problem"
    return "clean"


def run(tree: Path, flavour: str, workloads: tuple[str, ...], boots: int,
        lab: Path | None = None, timeout: float = 120, log=print) -> dict:
    b = build.build(tree, flavour, lab=lab)
    initrd = guest.build()
    run_id, run_dir = paths.new_run_dir(f"campaign-{flavour}-{'-'.join(workloads)}")
    # boot a copy: a build of another lab.c in the same build/ (a test run beside
    # the campaign) rewrites bzImage-FLAVOUR, and the boots after it would test that
    bzimage, system_map = run_dir / b.bzimage.name, run_dir / b.system_map.name
    shutil.copyfile(b.bzimage, bzimage)
    shutil.copyfile(b.system_map, system_map)
    load_before = os.getloadavg()
    counts = {"clean": 0, "crash": 0, "problem": 0, "starved": 0}
    seconds, failures, retries, host = [], [], [], []
    for i in range(boots):
        r = qemu.boot(bzimage, initrd, run_dir / f"boot-{i:03d}", flavour,
                      smp=flavour == "smp", workloads=workloads, timeout=timeout)
        kind = classify(r)
        counts[kind] += 1
        if r.retried:
            retries.append({"boot": i, "why": r.retried})
            log(f"boot {i}: {r.retried}")
        seconds.append(r.seconds)
        whole = r.host.loss(r.seconds, r.seconds) if r.host else None
        host.append({"boot": i, "kind": kind, "load": round(os.getloadavg()[0], 2),
                     **({"had": round(whole.had, 2), "ran": round(whole.ran, 2)}
                        if whole else {})})
        if kind != "clean":
            first = (r.problems() or [f"guest status {r.status}"])[0]
            failures.append({"boot": i, "kind": kind, "first_problem": first,
                             "oops": qemu.decode_oops(r.console, system_map)[:12]})
            log(f"boot {i}: {first}" if first.startswith(f"{kind}:") else
                f"boot {i}: {kind}: {first}")
        # after every boot, so that a campaign cut short still says what it saw
        summary = {
            "run_id": run_id, "flavour": flavour, "workloads": list(workloads),
            "lab": str(lab) if lab else None, "boots": i + 1, "of": boots, **counts,
            "retried": len(retries),
            "seconds_mean": round(statistics.mean(seconds), 2),
            "seconds_max": round(max(seconds), 2),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "failures": failures,
            "retries": retries, "host": host,
        }
        (run_dir / "campaign.json").write_text(json.dumps(summary, indent=2) + "\n")
    log(f"campaign {flavour} {' '.join(workloads)}: {boots} boots, {counts['crash']} "
        f"crashed, {counts['problem']} other problems, {counts['clean']} clean, "
        f"{counts['starved']} starved twice; {len(retries)} retried as starved; "
        f"{summary['seconds_mean']} s per boot (max {summary['seconds_max']}); "
        f"load {summary['load_before'][0]} -> {summary['load_after'][0]}; run {run_id}")
    return summary
