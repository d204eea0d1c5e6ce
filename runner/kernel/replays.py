"""The directed replays, repeated (python3 -m runner.kernel replays): the
measure behind "rejected in N of N boots" for the both-worlds issue.

For each lab, every bad variant whose model failure has a directed plan
(replay.DIRECTED: the guest builds the model's scenario) boots N times with
that plan's replay; the lab's reference and its correct rewrites (good/) boot
N times under each rule its variants planned, since correct code must pass
the same forced interleaving.  Only the replay boot: the plain boots are the
verdict table's (verdicts.py).  Each lab.c is built once and its kernel
copied into the run directory, as a campaign does; the summary goes to
build/kernel/replays.json, rewritten after every lab.c, and --write-docs puts
the table in docs/kernel.md.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from . import build, guest, paths, qemu, stage, verdicts

BEGIN, END = "<!-- replays: begin -->", "<!-- replays: end -->"


def results_file() -> Path:
    return paths.build_dir() / "replays.json"


def directed_rules(rows: dict, lab_id: str) -> dict[str, str]:
    """variant name -> rule, for the lab's variants with a directed plan."""
    out = {}
    for name, row in rows.items():
        if name.startswith(f"{lab_id}/") and row.get("rule") and \
                (row.get("workloads") or [""])[0].startswith("directed:"):
            out[name.split("/", 1)[1]] = row["rule"]
    return out


def correct_files(lab_id: str) -> list[Path]:
    lab_dir = paths.REPO / "labs" / lab_id
    return [lab_dir / "solution.c", *sorted((lab_dir / "good").glob("*.c"))]


def repeat(tree: Path, lab_c: Path, rule: str, boots: int, run_dir: Path,
           log=print) -> dict:
    """Boot lab_c's SMP kernel `boots` times with the directed replay of rule."""
    b = build.build(tree, "smp", lab=lab_c, label=str(lab_c))
    initrd = guest.build()
    where = run_dir / stage.run_name(lab_c)
    where.mkdir(parents=True)
    bzimage = where / b.bzimage.name
    shutil.copyfile(b.bzimage, bzimage)
    rejected = met = starved = 0
    first, seconds = None, []
    for i in range(boots):
        r = qemu.boot(bzimage, initrd, where / f"boot-{i:02d}", "smp", smp=True,
                      workloads=(f"directed:{rule}",), timeout=stage.TIMEOUT)
        fv = stage.flavour_verdict(r, "smp", b.system_map, str(lab_c), rule)
        seconds.append(fv.seconds)
        met += stage.replay_met(fv)
        if fv.problems and fv.problems[0].startswith("starved:"):
            starved += 1
        elif not fv.passed:
            rejected += 1
            first = first or (fv.problems or ["guest failed"])[0]
    rel = str(lab_c.relative_to(paths.REPO))
    row = {"lab_c": rel, "rule": rule, "boots": boots, "rejected": rejected, "met": met,
           "starved": starved, "first_problem": first,
           "seconds_mean": round(sum(seconds) / len(seconds), 2),
           "load": round(os.getloadavg()[0], 1), "when": time.strftime("%Y-%m-%d %H:%M")}
    log(f"{rel} under {rule}: rejected {rejected}/{boots}, met {met}/{boots}"
        + (f", starved {starved}" if starved else "") + (f"; {first}" if first else ""))
    return row


def run(tree: Path, labs: tuple[str, ...], boots: int, log=print) -> list[dict]:
    rows = verdicts.collect(labs, boot="none", log=log)
    run_id, run_dir = paths.new_run_dir("replays")
    log(f"run {run_id}")
    out: list[dict] = []
    for lab_id in labs:
        rules = directed_rules(rows, lab_id)
        lab_dir = paths.REPO / "labs" / lab_id
        for name, rule in sorted(rules.items()):
            out.append({**repeat(tree, lab_dir / "bad" / f"{name}.c", rule, boots, run_dir,
                                 log), "expect": "rejected"})
            results_file().write_text(json.dumps(out, indent=1) + "\n")
        for rule in sorted(set(rules.values())):
            for lab_c in correct_files(lab_id):
                out.append({**repeat(tree, lab_c, rule, boots, run_dir, log),
                            "expect": "passes"})
                results_file().write_text(json.dumps(out, indent=1) + "\n")
    return out


def table(rows: list[dict]) -> str:
    lines = ["| lab.c | directed replay | expected | rejected | schedule met | s per boot |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r['lab_c']}` | `{r['rule']}` | {r['expect']} | "
                     f"{r['rejected']} of {r['boots']}" +
                     (f" ({r['first_problem'][:70]})" if r["first_problem"] else "") +
                     f" | {r['met']} of {r['boots']}" +
                     (f", {r['starved']} starved" if r["starved"] else "") +
                     f" | {r['seconds_mean']} |")
    if rows:
        loads = sorted(r["load"] for r in rows)
        when = sorted(r["when"] for r in rows)
        lines += ["", f"Measured {when[0]} to {when[-1]}, host load {loads[0]}–{loads[-1]} "
                  f"(2 cores); SMP, the replay boot only."]
    return "\n".join(lines)


def write_doc(text: str, doc: Path = verdicts.DOC) -> None:
    body = doc.read_text()
    a, b = body.index(BEGIN) + len(BEGIN), body.index(END)
    doc.write_text(body[:a] + "\n" + text + "\n" + body[b:])
