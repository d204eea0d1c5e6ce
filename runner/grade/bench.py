"""Autograder benchmark: 200 generated submissions, model stage, -j 2.

Each submission holds the three code labs (a mix of the reference, bad
variants and skeletons, with answers) and the two question labs.  Prints
total time, seconds per submission, and the sandbox's own cost per run
(bubblewrap + copies, measured on /bin/true against a bare subprocess).
Usage: python3 -m runner.grade.bench [N] [JOBS]
"""
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from runner import labs
from runner import sandbox
from runner.grade.batch import Batch
from runner.skeleton import make_skeleton, strip_markers


def make_class(root: Path, n: int) -> None:
    code = [l for l in labs.all_labs() if l.has_code]
    for i in range(n):
        for lab in labs.all_labs():
            d = root / f"student{i:03d}" / lab.id
            d.mkdir(parents=True)
            (d / "answers.txt").write_text((lab.dir / "answers.txt").read_text())
            if lab in code:
                sol = lab.solution.read_text()
                bad = lab.bad_variants()
                pick = i % 4
                text = strip_markers(sol) if pick == 0 else make_skeleton(sol, lab.id) \
                    if pick == 1 else bad[i % len(bad)].read_text()
                # a per-student comment: no two files alike, no shared build
                (d / "lab.c").write_text(text + f"\n/* student {i} */\n")


def overhead(runs: int = 50) -> float:
    t = time.monotonic()
    for _ in range(runs):
        subprocess.run(["/bin/true"])
    bare = (time.monotonic() - t) / runs
    t = time.monotonic()
    for _ in range(runs):
        sandbox.run_untrusted(["/bin/true"], timeout=10)
    return (time.monotonic() - t) / runs - bare


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 200
    jobs = int(argv[1]) if len(argv) > 1 else 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "subs"
        make_class(root, n)
        start = time.monotonic()
        Batch(root, Path(tmp) / "out", None, jobs, True, 60, stream=io.StringIO()).run()
        total = time.monotonic() - start
    over = overhead()
    print(sandbox.describe())
    print(f"| autograder: {n} submissions x {len(labs.all_labs())} labs, -j {jobs} | "
          f"{total:.1f} s total, {total / n:.2f} s per submission | target <= 120 s |")
    print(f"| sandbox overhead per run (bubblewrap + copies vs bare exec) | "
          f"{over * 1000:.1f} ms | |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
