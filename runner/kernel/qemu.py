"""Boot a built kernel with the guest initrd in qemu-system-i386.

The console (ttyS0, kernel messages) and the report (ttyS1, written by the
guest's /init) go to two files of the run's own directory, created here
and never overwritten.  The guest ends the run through QEMU's
isa-debug-exit port (QEMU exits with (status << 1) | 1); the harness's
watchdog ends it the same way (status 0x7e: QEMU exits 253).  The host
stops a run early once the console shows a verdict (a BUG, an oops, a
panic, an LRULAB-CHECK/-DEADLOCK/-WATCHDOG line) and has been quiet for a
moment.  QEMU is always reaped (runner.kernel.reaper): on exit, timeout,
early verdict, exception, SIGTERM, SIGINT.

Once the guest has started reporting, the host injects an NMI every
PROBE_PERIOD seconds through QEMU's monitor ("nmi"): the harness's watchdog
uses them to find a CPU spinning with interrupts off, which its timer
ticks cannot see (every CPU of an SMP guest, or the one of a UP guest).
No NMI is sent while QEMU is stopped: queued in the monitor's socket, they
would all arrive at once when it runs again, with no tick between them.

A watchdog or timeout verdict from a run that the host starved of
CPU (runner.kernel.hostcpu) is not trusted: the boot is run once more, and
the result says so (BootResult.retried).  If that run is starved too, its
verdict is reported as "starved", not as the kernel's.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import guest, hostcpu, oops, reaper

QEMU = "qemu-system-i386"
DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=0x04"
WATCHDOG_EXIT = (0x7e << 1) | 1       # kernel/lrulab_watchdog.c ended the run
# hdX=none / ideN=noprobe skip IDE probing that only costs boot time; panic=1
# reboots a panicked guest after 1 s, which -no-reboot turns into QEMU's exit.
BASE_APPEND = ("console=ttyS0 root=/dev/ram0 init=/init hdb=none hdc=none hdd=none "
               "ide2=noprobe ide3=noprobe ide4=noprobe ide5=noprobe panic=1")
PROBE_PERIOD: float | None = 1.0      # s between the host's NMIs (None: none)
PROBLEMS = (
    ("panic", re.compile(r"Kernel panic[^\n]*")),
    ("BUG", re.compile(r"kernel BUG at \S+|invalid operand: \S+")),
    ("oops", re.compile(r"Oops: \S+|Unable to handle kernel [^\n]*|int3: \S+|"
                        r"general protection fault: \S+")),
    ("lockup", re.compile(r"NMI Watchdog detected LOCKUP[^\n,]*")),
    ("deadlock", re.compile(r"LRULAB-DEADLOCK: [^\n]*")),
    ("watchdog", re.compile(r"LRULAB-WATCHDOG: [^\n]*")),
    ("lrulab", re.compile(r"LRULAB-CHECK: [^\n]*")),
)
# A verdict on the console: stop once the console is quiet for QUIET s.
VERDICT = re.compile(r"Kernel panic|kernel BUG at|Oops: |Unable to handle kernel|"
                     r"LRULAB-CHECK:|LRULAB-DEADLOCK:|LRULAB-WATCHDOG:|"
                     r"NMI Watchdog detected LOCKUP")
QUIET = 0.7
VERDICT_GRACE = 4.0
# Verdicts that rest on time passing, which a starved host can fake: the
# harness watchdog's (ticks follow the host clock) and the host's timeout.
# Not the hooks' "LRULAB-DEADLOCK: ... already holds it", an exact check.
TIMING = ("watchdog: ", "hang: ", "deadlock: LRULAB-DEADLOCK: every cpu is stuck")
# A watchdog verdict that is a fact however slowly it was reached.
SELF_DEADLOCK = "which it holds itself"


class QemuError(Exception):
    """QEMU could not be started, or a log would be overwritten; one line."""


@dataclass
class BootResult:
    flavour: str
    qemu_rc: int | None
    timed_out: bool
    seconds: float
    first_report: float | None        # seconds until the guest's first report line
    console: str
    report: list[str] = field(default_factory=list)
    stopped_early: bool = False       # a verdict on the console ended the run
    console_log: str = ""
    verdict_at: float | None = None   # s from the start until the host saw a verdict
    host: hostcpu.Samples | None = field(default=None, repr=False)
    retried: str | None = None        # why an earlier run of this boot was not trusted

    def timing_verdict(self) -> str | None:
        """The problems that rest on time passing, '; '-joined; None if there are
        none, or if the watchdog found a CPU spinning on a lock it holds."""
        found = self._problems()
        if any(SELF_DEADLOCK in p for p in found):
            return None
        return "; ".join(p for p in found if p.startswith(TIMING)) or None

    def host_loss(self) -> hostcpu.Loss | None:
        """What QEMU had of the host over the stretch its timing verdict judged:
        the watchdog's 'stuck N ms' before the verdict, or the whole run."""
        if self.host is None:
            return None
        if self.timed_out:
            return self.host.loss(self.seconds, self.seconds)
        end = self.verdict_at if self.verdict_at is not None else self.seconds
        return self.host.loss(end, hostcpu.judged_window(self.console) + hostcpu.MARGIN)

    def starved_verdict(self) -> str | None:
        """'host starved: ...' when a timing verdict came from a starved run."""
        if self.timing_verdict() is None:
            return None
        loss = self.host_loss()
        return f"host starved: {loss}" if hostcpu.starved(loss) else None

    @property
    def status(self) -> int | None:
        """The guest's status from its 'done N' line, None if it never finished."""
        for line in self.report:
            if line.startswith("done "):
                return int(line.split()[1])
        return None

    @property
    def watchdog_ended(self) -> bool:
        return self.qemu_rc == WATCHDOG_EXIT

    def tests(self) -> dict[str, tuple[bool, str]]:
        """name -> (passed, detail) from the guest's 'test' lines."""
        out = {}
        for line in self.report:
            parts = line.split(" ", 3)
            if parts[0] == "test" and len(parts) >= 3:
                out[parts[1]] = (parts[2] == "pass", parts[3] if len(parts) > 3 else "")
        return out

    def counters(self) -> dict[str, int]:
        """The harness counters the guest copied from /proc/lrulab."""
        out = {}
        for line in self.report:
            parts = line.split()
            if len(parts) == 4 and parts[:2] == ["proc", "lrulab"] and parts[3].isdigit():
                out[parts[2]] = int(parts[3])
        return out

    def problems(self) -> list[str]:
        """Kernel failures seen on the console, in the order they appeared, then
        what the counters show, then a hang or a missing report.  A watchdog
        verdict from a starved run is one 'starved:' line instead."""
        found = self._problems()
        starved = self.starved_verdict()
        if starved is None:
            return found
        rest = [p for p in found if not p.startswith(TIMING)]
        return [f"starved: {starved.removeprefix('host starved: ')}; its verdict "
                f"({self.timing_verdict()}) is not the kernel's, boot again on a less "
                f"busy machine", *rest]

    def _problems(self) -> list[str]:
        hits = sorted((m.start(), f"{kind}: {m.group(0).strip()}") for kind, rx in PROBLEMS
                      for m in rx.finditer(self.console))
        times: dict[str, int] = {}
        for _, text in hits:                  # one line per distinct problem
            times[text] = times.get(text, 0) + 1
        found = [t if n == 1 else f"{t} ({n} times)" for t, n in times.items()]
        c = self.counters()
        if c.get("lru_walk_errors"):
            found.append(f"lru: {c['lru_walk_errors']} inconsistencies in the LRU lists")
        if c.get("lru_lost"):
            found.append(f"lru-lost: {c['lru_lost']} pages in use but off the LRU, where "
                         f"reclaim cannot find them")
        # after memory pressure, or a directed scenario's last shrink_cache
        reclaimed = [t for t in ("pressure", "directed") if t in self.tests()]
        if c.get("lru_zero_count") and reclaimed:
            found.append(f"leak: {c['lru_zero_count']} pages with count 0 still on the LRU "
                         f"after {'memory pressure' if reclaimed[0] == 'pressure' else 'the directed scenario'}")
        if self.timed_out:
            found.append(f"hang: no exit after {self.seconds:.0f} s")
        elif self.status is None and not found:
            found.append("no report: the guest did not finish its report")
        return found


def command(bzimage: Path, initrd: Path, console: Path, report: Path, smp: bool,
            memory_mb: int, append: str, extra: list[str]) -> list[str]:
    # debug-threads names the vCPU threads "CPU n/TCG" (runner.kernel.hostcpu)
    args = [QEMU, "-name", "lrulab,debug-threads=on", "-m", str(memory_mb), "-display", "none", "-monitor", "none",
            "-no-reboot", "-kernel", str(bzimage), "-initrd", str(initrd),
            "-append", append, "-serial", f"file:{console}", "-serial", f"file:{report}",
            "-device", DEBUG_EXIT]
    if smp:
        # "-smp 2" alone is one socket x 2 cores, and 2.4 then sees one CPU.
        args += ["-smp", "2,sockets=2,cores=1,threads=1"]
    return args + extra


def _scratch_dir() -> str | None:
    """Where swap disks go: tmpfs when there is one (no disk writeback that could
    stall QEMU), else the default temporary directory."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def boot(bzimage: Path, initrd: Path, out_dir: Path, flavour: str, smp: bool = False,
         workloads: tuple[str, ...] = (), memory_mb: int = 32, timeout: float = 120,
         extra: list[str] | None = None, live=None, retry_starved: bool = True) -> BootResult:
    """Boot; console-FLAVOUR.log and report-FLAVOUR.txt go to out_dir, which
    must not hold them yet (a run directory: paths.new_run_dir).  A watchdog
    or timeout verdict from a starved run boots once more, into
    out_dir/retry-FLAVOUR."""
    r = _boot(bzimage, initrd, out_dir, flavour, smp, workloads, memory_mb, timeout,
              extra, live)
    why = r.starved_verdict() if retry_starved else None
    if why is None:
        return r
    note = (f"{why}; retried (the first run said {r.timing_verdict()!r}, console "
            f"{r.console_log})")
    if live is not None:
        live(f"\n[lrulab] {note}\n")
    again = _boot(bzimage, initrd, out_dir / f"retry-{flavour}", flavour, smp, workloads,
                  memory_mb, timeout, extra, live)
    again.retried = note
    return again


def _boot(bzimage: Path, initrd: Path, out_dir: Path, flavour: str, smp: bool,
          workloads: tuple[str, ...], memory_mb: int, timeout: float,
          extra: list[str] | None, live) -> BootResult:
    if shutil.which(QEMU) is None:
        raise QemuError(f"{QEMU} not found: apt-get install qemu-system-x86")
    out_dir.mkdir(parents=True, exist_ok=True)
    console, report = out_dir / f"console-{flavour}.log", out_dir / f"report-{flavour}.txt"
    for f in (console, report):
        try:
            with f.open("xb"):
                pass
        except FileExistsError:
            raise QemuError(f"{f} exists: every run needs its own directory") from None
    append = " ".join([BASE_APPEND, *workloads])
    extra = list(extra or [])
    with tempfile.TemporaryDirectory(prefix="lrulab-qemu-", dir=_scratch_dir()) as scratch:
        if "swap" in workloads:
            # a fresh swap disk per run, as hda (block 3,0 = /dev/hda in the initrd)
            swap = guest.swap_image(Path(scratch) / "swap.img")
            extra += ["-drive", f"file={swap},format=raw,if=ide,index=0"]
        monitor = Path(scratch) / "monitor"
        args = command(bzimage, initrd, console, report, smp, memory_mb, append, extra)
        args[args.index("-monitor") + 1] = f"unix:{monitor},server=on,wait=off"
        return _run(args, flavour, console, report, timeout, live, monitor)


class _Prober:
    """Injects an NMI through QEMU's human monitor, at most every PROBE_PERIOD s."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock: socket.socket | None = None
        self.last = 0.0

    def poke(self, now: float, stopped: bool) -> None:
        if PROBE_PERIOD is None or now - self.last < PROBE_PERIOD or stopped:
            return
        self.last = now
        try:
            if self.sock is None:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect(str(self.path))
                self.sock = s
            self.sock.send(b"nmi\n")
            while True:                 # drain the monitor's chatter
                if not self.sock.recv(65536):
                    break
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            self.close()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def _run(args: list[str], flavour: str, console: Path, report: Path, timeout: float,
         live, monitor: Path) -> BootResult:
    start = time.monotonic()
    first = None
    timed_out = early = False
    shown = 0
    verdict_at = None
    last_size, last_growth = 0, start
    prober = _Prober(monitor)
    proc = reaper.spawn(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE)
    host = hostcpu.Samples(proc.pid)
    try:
        while proc.poll() is None:
            now = time.monotonic()
            host.sample(now - start)
            qemu_stopped = bool(host.points) and host.points[-1].stopped
            if first is None and report.stat().st_size > 0:
                first = now - start
            if first is not None:       # the guest runs /init: its IDT is up
                prober.poke(now, qemu_stopped)
            size = console.stat().st_size
            if size != last_size:
                last_size, last_growth = size, now
                if verdict_at is None:
                    with console.open("rb") as f:
                        f.seek(max(0, shown - 64) if live is not None else 0)
                        if VERDICT.search(f.read().decode("latin-1")):
                            verdict_at = now
            if live is not None:
                data = console.read_bytes()[shown:]
                shown += len(data)
                if data:
                    live(data.decode("latin-1"))
            if verdict_at is not None and (now - last_growth > QUIET or
                                           now - verdict_at > VERDICT_GRACE):
                early = True
                break
            if now - start > timeout:
                timed_out = True
                break
            time.sleep(0.05)
    finally:
        prober.close()
        reaper.reap(proc)
    seconds = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in (None, 0, 1) and not early and not timed_out and \
            not report.stat().st_size and "qemu" in err:
        raise QemuError(f"{QEMU} failed: {err.strip().splitlines()[0]}")
    raw = console.read_bytes()
    text = raw.decode("latin-1").replace("\r", "")
    if live is not None and len(raw) > shown:
        live(raw[shown:].decode("latin-1"))
    lines = [l.rstrip("\r") for l in report.read_bytes().decode("latin-1").splitlines()]
    rc = None if timed_out or early else proc.returncode
    return BootResult(flavour, rc, timed_out, seconds, first, text, lines, early,
                      str(console), None if verdict_at is None else verdict_at - start, host)


def decode_oops(console: str, system_map: Path) -> list[str]:
    """Kernel addresses of the console as 'addr function+0xoff' lines (runner.kernel.oops)."""
    return oops.decode(console, system_map)
