"""The verdict table of docs/kernel.md: for every bad variant of the labs with
a kernel stage, the model's failure, the replay planned from its schedule,
and the kernel's verdict with that replay and without it
(python3 -m runner.kernel verdicts --help).

Kernel verdicts are boots, and slow (about a minute per variant on a loaded
machine): they are kept in build/kernel/verdicts.json, keyed by the
variant's text and the patch series, so a later run boots only what changed
or was never booted.  The table says "not booted" for the rest.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from runner.labs import load

from . import patches, paths, replay, stage

LABS = ("02-leave-on-lru", "03-do-wp-page", "04-swap-cache")
DOC = paths.REPO / "docs" / "kernel.md"
BEGIN, END = "<!-- verdicts: begin -->", "<!-- verdicts: end -->"


def cache_file() -> Path:
    return paths.build_dir() / "verdicts.json"


def _key(lab_c: Path) -> str:
    return hashlib.sha256(lab_c.read_bytes() + patches.digest().encode()).hexdigest()[:16]


def _kernel(boots: list[stage.FlavourVerdict]) -> str:
    """'rejected (smp: first problem)' or 'passes (up smp)', and for replay
    boots whether the rendezvous was met."""
    failed = [fv for fv in boots if not fv.passed]
    note = ""
    if any(fv.replay for fv in boots):
        note = "; met" if any(stage.replay_met(fv) for fv in boots) else "; not met"
    if not failed:
        return f"passes ({' '.join(fv.flavour for fv in boots)}){note}"
    first = failed[0].problems[0] if failed[0].problems else "failed"
    first = first.replace(f"{paths.REPO}/", "").split(": ", 1)[-1][:60]
    return f"rejected ({' '.join(fv.flavour for fv in failed)}: {first}){note}"


def _rederive(row: dict) -> None:
    """with/without from the run's own verdict.json, the one record of it."""
    f = paths.build_dir() / "runs" / row["run"] / "verdict.json"
    if not f.is_file():
        return
    boots = [stage.FlavourVerdict(**d) for d in json.loads(f.read_text())["flavours"]]
    row["without"] = _kernel([fv for fv in boots if not fv.replay])
    if any(fv.replay for fv in boots):
        row["with"] = _kernel([fv for fv in boots if fv.replay])


def variant_row(lab_id: str, lab_c: Path, boot: str, cache: dict, tree, log) -> dict:
    """One variant's row, from the cache or measured now; boot is none,
    planned (boot the variants with a replay plan) or all."""
    name = f"{lab_id}/{lab_c.stem}"
    key = _key(lab_c)
    row = cache.get(name) if cache.get(name, {}).get("key") == key else None
    if row is None:
        lab = load(lab_id)
        found = replay.first_failure(lab, lab_c, str(lab_c))
        plan = replay.plan_for(found[1]) if found else replay.Plan(None, "no model failure")
        row = {"key": key, "model": (f"{found[0]}: {found[1].checker}" +
                                     (f" `{found[1].minimized.get('schedule')}`"
                                      if found[1].minimized.get("schedule") else "")
                                     if found else "passes (a counter or question test)"),
               "rule": plan.rule, "why": plan.why, "flavours": list(plan.flavours),
               "workloads": list(plan.workloads)}
    plan = replay.Plan(row["rule"], row["why"], tuple(row["flavours"]),
                       tuple(row["workloads"]))
    if (boot == "all" or (boot == "planned" and plan.rule)) and "without" not in row:
        # one stage run: the plain boots, and the replay boots of the plan
        t0 = time.monotonic()
        v = stage.run(lab_c, tree=tree, plan=plan, label=str(lab_c))
        row["seconds"] = round(time.monotonic() - t0, 1)
        row["run"] = v.run_id
        row["without"] = _kernel([fv for fv in v.flavours if not fv.replay])
        replayed = [fv for fv in v.flavours if fv.replay]
        if replayed:
            row["with"] = _kernel(replayed)
            row["replay_seconds"] = sum(fv.seconds for fv in replayed)
        row["load"] = round(os.getloadavg()[0], 1)
        row["when"] = time.strftime("%Y-%m-%d %H:%M")
        log(f"{name}: without replay {row['without']}; with {row.get('with')} "
            f"({row['seconds']} s, load {row['load']})")
    if "run" in row:
        _rederive(row)
    cache[name] = row
    return row


def collect(labs: tuple[str, ...] = LABS, only: tuple[str, ...] = (), boot: str = "none",
            tree=None, log=print) -> dict:
    f = cache_file()
    cache = json.loads(f.read_text()) if f.is_file() else {}
    for lab_id in labs:
        for lab_c in sorted((paths.REPO / "labs" / lab_id / "bad").glob("*.c")):
            if only and lab_c.stem not in only:
                continue
            variant_row(lab_id, lab_c, boot, cache, tree, log)
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    return cache


def table(cache: dict, labs: tuple[str, ...] = LABS) -> str:
    lines = ["| variant | the model's failure | replay | kernel, with replay | "
             "kernel, without replay |", "|---|---|---|---|---|"]
    for lab_id in labs:
        for lab_c in sorted((paths.REPO / "labs" / lab_id / "bad").glob("*.c")):
            row = cache.get(f"{lab_id}/{lab_c.stem}")
            if row is None:
                continue
            rule = f"`{row['rule']}`" if row["rule"] else f"none: {row['why']}"
            with_ = row.get("with", "not booted" if row["rule"] else "(no replay)")
            lines.append(f"| {lab_id[:2]} `{lab_c.stem}` | {row['model']} | {rule} | "
                         f"{with_} | {row.get('without', 'not booted')} |")
    booted = [r for r in cache.values() if "load" in r]
    if booted:
        loads = sorted(r["load"] for r in booted)
        when = sorted(r["when"] for r in booted)
        lines.append("")
        lines.append(f"Kernel verdicts: one stage run each, {when[0]} to {when[-1]}, "
                     f"host load {loads[0]}–{loads[-1]} (2 cores).")
    return "\n".join(lines)


def write_doc(text: str, doc: Path = DOC) -> None:
    """Replace the table between the markers in docs/kernel.md."""
    body = doc.read_text()
    a, b = body.index(BEGIN) + len(BEGIN), body.index(END)
    doc.write_text(body[:a] + "\n" + text + "\n" + body[b:])
