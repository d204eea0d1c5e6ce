"""make bench: the performance targets, measured and printed as a table.

Nothing here asserts: targets are printed next to what was measured.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from runner.paths import BUILD, ROOT


def explore(*args: str) -> tuple[int, int, float, dict | None]:
    """Run the optimized model; return (schedules, steps, seconds, failure)
    of its JSON result (docs/lrusim-json.md), summed over its strategies."""
    out = subprocess.run([str(BUILD / "lrusim"), "--json", *args], capture_output=True,
                         text=True, check=False).stdout
    try:
        data = json.loads(out)
    except ValueError:
        sys.exit(f"bench: lrusim {' '.join(args)} printed no JSON result:\n{out[:2000]}")
    runs = data["strategies"]
    return (sum(r["schedules"] for r in runs), sum(r["steps"] for r in runs),
            sum(r["seconds"] for r in runs), data["failure"])


def stress(seconds: float) -> tuple[int, int]:
    out = subprocess.run([str(BUILD / "stress"), "--variant", "flawed-0207",
                          "--scenario", "put-vs-shrink", "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    iterations = int(re.search(r"iterations: (\d+)", out)[1])
    hits = int(re.search(r"hits: (\d+)", out)[1])
    return iterations, hits


def row(what: str, measured: str, target: str = "") -> None:
    print(f"| {what:<58} | {measured:>26} | {target:>10} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stress-floor", type=float, default=1.0,
                        help="run the thread stress at least this many seconds")
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cpus, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          "(1, 5, 15 min) at the start")
    print(f"| {'benchmark':<58} | {'measured':>26} | {'target':>10} |")
    print(f"|{'-' * 60}|{'-' * 28}|{'-' * 12}|")
    # 1. the 7 Feb double free, from scratch
    best = None
    for _ in range(5):
        n, steps, secs, failure = explore("--variant", "flawed-0207", "--scenario",
                                          "put-vs-shrink", "--check", "double-free",
                                          "--strategy", "dfs:2")
        assert failure and failure["checker"] == "double-free", failure
        best = secs if best is None else min(best, secs)
        found_runs = n
    row("explorer finds the flawed-0207 double free (dfs:2)",
        f"{best * 1000:.3f} ms, {found_runs} schedules", "<= 100 ms")
    t0 = time.monotonic()
    n, steps, secs, _ = explore("--variant", "flawed-0207", "--scenario",
                                  "put-vs-shrink", "--check", "double-free",
                                  "--strategy", "pct:1:100000:3")
    row("PCT finds the same double free (pct:1:100000:3)",
        f"{secs * 1000:.3f} ms, {n} schedules")
    # 2. throughput
    total_runs = total_secs = 0.0
    for variant in ["fix-0212", "defer-2427", "irqsafe-lru-25"]:
        for scenario in ["aio-munmap", "put-vs-shrink", "cow-reclaim", "cow-shared",
                         "swap-exit", "swapcache-munmap"]:
            n, steps, secs, _ = explore("--variant", variant, "--scenario",
                                        scenario, "--strategy", "dfs:2")
            total_runs += n
            total_secs += secs
    row("exhaustive dfs:2, 3 fixed variants x 6 scenarios",
        f"{int(total_runs)} schedules, {total_secs:.2f} s")
    row("schedules explored per second", f"{total_runs / total_secs:,.0f}")
    total_runs = total_secs = 0.0
    for scenario in ["aio-munmap", "put-vs-shrink", "cow-reclaim"]:
        n, steps, secs, _ = explore("--variant", "fix-0212", "--scenario", scenario,
                                    "--strategy", "dfs:3")
        total_runs += n
        total_secs += secs
    row("exhaustive dfs:3, fix-0212 x 3 scenarios",
        f"{int(total_runs)} schedules, {total_secs:.2f} s")
    # 2b. weak memory (docs/memory-model.md), beside sc as the baseline
    n, steps, secs, failure = explore("--variant", "fix-0212", "--scenario",
                                      "unlock-then-free", "--memory", "weak",
                                      "--strategy", "dfs:4")
    assert failure and failure["bound"] == 3, failure
    row("weak finds Hugh's barrier BUG (fix-0212, dfs:4)",
        f"{secs * 1000:.1f} ms, {n} schedules")
    for memory in ("sc", "tso", "weak"):
        n, steps, secs, failure = explore("--variant", "fix-0212-rmb", "--scenario",
                                          "unlock-then-free", "--memory", memory,
                                          "--strategy", "dfs:4")
        assert failure is None, failure
        row(f"fix-0212-rmb clean, unlock-then-free dfs:4, --memory {memory}",
            f"{secs * 1000:.1f} ms, {n} schedules", "baseline" if memory == "sc" else "")
    for memory in ("sc", "weak"):
        total_runs = total_secs = 0.0
        for scenario in ["aio-munmap", "cow-reclaim", "swapcache-munmap", "two-left"]:
            n, steps, secs, _ = explore("--variant", "fix-0212", "--scenario", scenario,
                                        "--memory", memory, "--strategy", "dfs:2")
            total_runs += n
            total_secs += secs
        row(f"dfs:2, fix-0212 x 4 scenarios, --memory {memory}",
            f"{int(total_runs)} schedules, {total_secs:.2f} s",
            "baseline" if memory == "sc" else "")
    por_rows()
    # 3. the same code on real threads for 100x the explorer's time
    budget = max(100 * best, args.stress_floor)
    iterations, hits = stress(budget)
    row(f"pthread stress, flawed-0207, {budget:.2f} s (100x, floor {args.stress_floor:g} s)",
        f"{hits} hits / {iterations} runs")
    iterations10, hits10 = stress(10.0)
    row("pthread stress, flawed-0207, 10 s", f"{hits10} hits / {iterations10} runs")
    ratio = "explorer: every time; threads: never" if hits10 == 0 else \
        f"1 hit per {iterations10 // max(hits10, 1)} runs"
    row("ratio", ratio)
    # 4. grading one submission, all labs, model stage, nothing cached
    row("grading one submission, all labs (model stage, cold)",
        f"{grade_one_submission():.2f} s", "<= 1 s")
    t0 = time.monotonic()
    proc = subprocess.run([str(ROOT / "lab"), "selftest", "--quiet"], capture_output=True,
                          text=True)
    row("./lab selftest (every reference, bad variant, skeleton)",
        f"{time.monotonic() - t0:.2f} s, rc {proc.returncode}")
    return 0


def por_rows() -> None:
    """Partial-order reduction (lrusim --por, docs/memory-model.md): the same
    searches with sleep sets and dynamic POR on and off, side by side."""
    scenarios = json.loads(subprocess.run([str(BUILD / "lrusim"), "--list", "--json"],
                                          capture_output=True, text=True,
                                          check=True).stdout)["scenarios"]
    fixed = ["fix-0212", "defer-2427", "irqsafe-lru-25"]
    runs = {"on": 0, "off": 0}
    secs = {"on": 0.0, "off": 0.0}
    for scenario in scenarios:
        got = {}
        for por in ("off", "on"):
            n, _, t, failure = explore("--variant", "fix-0212", "--scenario", scenario,
                                       "--por", por, "--strategy", "dfs:2")
            assert failure is None, (scenario, por, failure)
            got[por] = n
            runs[por] += n
            secs[por] += t
        row(f"  fix-0212 dfs:2 {scenario}, schedules --por off / on",
            f"{got['off']} / {got['on']} ({got['off'] / got['on']:.1f}x)")
    row(f"fix-0212 dfs:2, all {len(scenarios)} scenarios, schedules --por off / on",
        f"{runs['off']} / {runs['on']} ({runs['off'] / runs['on']:.1f}x)", ">= 10x fewer")
    row("  ... schedules per second, --por off / on",
        f"{runs['off'] / secs['off']:,.0f} / {runs['on'] / secs['on']:,.0f}")
    row("  ... seconds, --por off / on", f"{secs['off']:.2f} / {secs['on']:.2f}")
    totals = {}
    for strategy, por in (("dfs:2", "off"), ("dfs:3", "on")):
        n_all = t_all = 0.0
        for variant in fixed:
            for scenario in scenarios:
                n, _, t, failure = explore("--variant", variant, "--scenario", scenario,
                                           "--por", por, "--strategy", strategy)
                assert failure is None, (variant, scenario, strategy, failure)
                n_all += n
                t_all += t
        totals[strategy] = t_all
        row(f"{strategy} --por {por}, 3 fixed variants x {len(scenarios)} scenarios",
            f"{int(n_all)} schedules, {t_all:.2f} s",
            "baseline" if por == "off" else f"<= {totals['dfs:2']:.2f} s")
    for por in ("off", "on"):
        n, _, t, failure = explore("--variant", "fix-0212", "--scenario", "unlock-then-free",
                                   "--memory", "weak", "--por", por, "--strategy", "dfs:4")
        assert failure and failure["bound"] == 3, (por, failure)
        row(f"weak finds Hugh's barrier BUG (fix-0212, dfs:4), --por {por}",
            f"{t * 1000:.1f} ms, {n} schedules")


def grade_one_submission() -> float:
    """Wall time to grade the references of every lab as one fresh submission."""
    import tempfile
    from runner import labs
    from runner.model.stage import grade_submission
    from runner.skeleton import strip_markers
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        jobs = []
        for lab in labs.all_labs():
            lab_c = None
            if lab.has_code:
                lab_c = Path(tmp) / f"{lab.id}.c"
                # a unique comment: a new file for the build cache
                lab_c.write_text(strip_markers(lab.solution.read_text()) +
                                 f"/* bench {time.time_ns()} */\n")
            jobs.append((lab, lab_c, lab.dir / "answers.txt", "lab.c"))
        for report in grade_submission(jobs):
            assert report.score == report.max_score, (report.lab.id, report.results)
        return time.monotonic() - t0


if __name__ == "__main__":
    sys.exit(main())
