"""Did QEMU get the host CPU it wanted?  Sampled from /proc while it runs.

Verdicts that rest on time passing can be faked by a busy host.  The
harness's watchdog counts a CPU's own timer ticks, which follow the host's
clock: a vCPU that spins on a lock, or waits for a TLB shootdown, keeps
ticking while the host does not run the vCPU that would let it go, and
after 1.5 s of ticks the watchdog calls it stuck (seen on this machine: cpu0
"stuck in bh context" under a spin on a lock that cpu1's kswapd held, cpu1
flushing TLBs).  The host's timeout is wall time too.  The host can tell: a
vCPU thread that was runnable but not running (the run-queue wait in
/proc/PID/task/TID/schedstat), or a QEMU that was stopped (state T), was
starved.  A vCPU that really spins runs; one that idles (hlt) sleeps:
neither waits.  qemu._run samples this (Samples), qemu.boot decides with
starved() over the stretch the verdict judged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# A watchdog or deadlock verdict comes from a starved run when QEMU's vCPU
# threads ran less than this fraction of the time they were ready to run
# (ran / (ran + waited for a host CPU + stopped)), over the stretch the
# watchdog judged.  A fraction, not a CPU share: an idle vCPU sleeps and
# counts for neither, so one busy vCPU and two are judged alike.  Measured
# in docs/kernel.md ("SMP boots, counted").
STARVED_RAN = 0.5
# The stretch judged: the longest "stuck N ms" of the verdict, else this
# (1.5 s of ticks, or 2 host NMIs 1 s apart), plus MARGIN for the time the
# verdict took to reach the host.
DEFAULT_WINDOW = 2.0
MARGIN = 0.5
_STUCK_MS = re.compile(r"LRULAB-WATCHDOG: cpu\d+ stuck (\d+) ms")


@dataclass
class Point:
    at: float                       # s since the boot started
    stopped: bool                   # QEMU's state was T (stopped) or t
    run: dict[int, int]             # vCPU tid -> ns on a host CPU so far
    wait: dict[int, int]            # vCPU tid -> ns runnable, waiting for one


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def point(pid: int, at: float) -> Point | None:
    """QEMU pid's state and its vCPU threads' (comm "CPU n/TCG") schedstat."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    state = stat.rsplit(")", 1)[1].split()[0]
    p = Point(at, state in ("T", "t"), {}, {})
    try:
        tids = [int(e.name) for e in Path(f"/proc/{pid}/task").iterdir()]
    except OSError:
        return p
    for tid in tids:
        comm = _read(f"/proc/{pid}/task/{tid}/comm")
        sched = _read(f"/proc/{pid}/task/{tid}/schedstat")
        if comm is None or sched is None or not comm.startswith("CPU "):
            continue
        run, wait = sched.split()[:2]
        p.run[tid], p.wait[tid] = int(run), int(wait)
    return p


@dataclass
class Loss:
    """What QEMU's vCPUs had and lost over a stretch of wall time."""
    window: float                   # wall s
    had: float                      # vCPU-seconds on a host CPU per wall s
    lost: float                     # vCPU-seconds waiting or stopped per wall s

    @property
    def ran(self) -> float:
        """The fraction of the time they were ready to run that the vCPUs ran."""
        wanted = self.had + self.lost
        return self.had / wanted if wanted > 0 else 1.0

    def __str__(self) -> str:
        return (f"QEMU had {self.had:.0%} of a CPU; its vCPUs ran {self.ran:.0%} of the "
                f"time they were ready to run, over the {self.window:.1f} s judged")


@dataclass
class Samples:
    """The points of one QEMU, oldest first (one per poll of qemu._run)."""
    pid: int
    points: list[Point] = field(default_factory=list)

    def sample(self, at: float) -> None:
        p = point(self.pid, at)
        if p is not None:
            self.points.append(p)

    def loss(self, end: float, window: float) -> Loss | None:
        """Over [end - window, end]; None with fewer than two points there."""
        pts = [p for p in self.points if end - window <= p.at <= end]
        # a QEMU that is exiting has lost its vCPU threads before the process
        timed = [p for p in pts if p.run]
        if len(timed) < 2:
            return None
        a, b = timed[0], timed[-1]
        wall = b.at - a.at
        if wall <= 0:
            return None
        had = sum(b.run[t] - a.run.get(t, 0) for t in b.run) / 1e9
        waited = sum(b.wait[t] - a.wait.get(t, 0) for t in b.wait) / 1e9
        # stopped: every vCPU lost the time between a stopped point and the next
        n = max(len(b.run), 1)
        stopped = sum(q.at - p.at for p, q in zip(pts, pts[1:]) if p.stopped or q.stopped)
        return Loss(wall, had / wall, (waited + n * stopped) / wall)


def judged_window(console: str) -> float:
    """The stretch a watchdog verdict rests on: its longest 'stuck N ms', in s."""
    ms = [int(m.group(1)) for m in _STUCK_MS.finditer(console)]
    return max(ms) / 1000 if ms else DEFAULT_WINDOW


def starved(loss: Loss | None) -> bool:
    """Was the stretch a verdict rests on starved of host CPU?"""
    return loss is not None and loss.ran < STARVED_RAN
