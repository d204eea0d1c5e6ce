"""Boot a built kernel with the guest initrd in qemu-system-i386.

The console (ttyS0, kernel messages) and the report (ttyS1, written by the
guest's /init) go to two files; the guest ends the run through QEMU's
isa-debug-exit port, so QEMU exits with (status << 1) | 1.  QEMU runs in its
own process group and is always killed: on timeout, on error, on Ctrl-C.
"""
from __future__ import annotations

import bisect
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import guest

QEMU = "qemu-system-i386"
DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=0x04"
# hdX=none / ideN=noprobe skip IDE probing that only costs boot time; panic=1
# reboots a panicked guest after 1 s, which -no-reboot turns into QEMU's exit.
BASE_APPEND = ("console=ttyS0 root=/dev/ram0 init=/init hdb=none hdc=none hdd=none "
               "ide2=noprobe ide3=noprobe ide4=noprobe ide5=noprobe panic=1")
PROBLEMS = (
    ("panic", re.compile(r"Kernel panic")),
    ("BUG", re.compile(r"kernel BUG at \S+|invalid operand: \S+")),
    ("oops", re.compile(r"Oops: \S+|Unable to handle kernel [^\n]*")),
    ("lrulab", re.compile(r"LRULAB-CHECK: [^\n]*")),
)


class QemuError(Exception):
    """QEMU could not be started; str() is a one-line reason."""


@dataclass
class BootResult:
    flavour: str
    qemu_rc: int | None
    timed_out: bool
    seconds: float
    first_report: float | None        # seconds until the guest's first report line
    console: str
    report: list[str] = field(default_factory=list)

    @property
    def status(self) -> int | None:
        """The guest's status from its 'done N' line, None if it never finished."""
        for line in self.report:
            if line.startswith("done "):
                return int(line.split()[1])
        return None

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
        """Kernel failures seen on the console, plus a hang or a missing report."""
        found = [f"{kind}: {m.group(0)}" for kind, rx in PROBLEMS
                 for m in rx.finditer(self.console)]
        c = self.counters()
        if c.get("lru_walk_errors"):
            found.append(f"lru: {c['lru_walk_errors']} inconsistencies in the LRU lists")
        if c.get("lru_zero_count") and "pressure" in self.tests():
            found.append(f"leak: {c['lru_zero_count']} pages with count 0 still on the LRU "
                         f"after memory pressure")
        if self.timed_out:
            found.append(f"hang: no exit after {self.seconds:.0f} s")
        elif self.status is None:
            found.append("no report: the guest did not finish its report")
        return found


def command(bzimage: Path, initrd: Path, console: Path, report: Path, smp: bool,
            memory_mb: int, append: str, extra: list[str]) -> list[str]:
    args = [QEMU, "-m", str(memory_mb), "-display", "none", "-monitor", "none",
            "-no-reboot", "-kernel", str(bzimage), "-initrd", str(initrd),
            "-append", append, "-serial", f"file:{console}", "-serial", f"file:{report}",
            "-device", DEBUG_EXIT]
    if smp:
        # "-smp 2" alone is one socket x 2 cores, and 2.4 then sees one CPU.
        args += ["-smp", "2,sockets=2,cores=1,threads=1"]
    return args + extra


def boot(bzimage: Path, initrd: Path, out_dir: Path, flavour: str, smp: bool = False,
         workloads: tuple[str, ...] = (), memory_mb: int = 32, timeout: float = 120,
         extra: list[str] | None = None, live=None) -> BootResult:
    """Boot once; keep console-FLAVOUR.log and report-FLAVOUR.txt in out_dir."""
    if shutil.which(QEMU) is None:
        raise QemuError(f"{QEMU} not found: apt-get install qemu-system-x86")
    out_dir.mkdir(parents=True, exist_ok=True)
    console, report = out_dir / f"console-{flavour}.log", out_dir / f"report-{flavour}.txt"
    for f in (console, report):
        f.write_bytes(b"")
    append = " ".join([BASE_APPEND, *workloads])
    extra = list(extra or [])
    if "swap" in workloads:
        # a fresh swap disk per run, as hda (block 3,0 = /dev/hda in the initrd)
        swap = guest.swap_image(out_dir / f"swap-{flavour}.img")
        extra += ["-drive", f"file={swap},format=raw,if=ide,index=0"]
    args = command(bzimage, initrd, console, report, smp, memory_mb, append, extra)
    start = time.monotonic()
    first = None
    timed_out = False
    shown = 0
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        while proc.poll() is None:
            elapsed = time.monotonic() - start
            if first is None and report.stat().st_size > 0:
                first = elapsed
            if live is not None:
                data = console.read_bytes()[shown:]
                shown += len(data)
                if data:
                    live(data.decode("latin-1"))
            if elapsed > timeout:
                timed_out = True
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    seconds = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (None, 0, 1) and not report.stat().st_size and "qemu" in err:
        raise QemuError(f"{QEMU} failed: {err.strip().splitlines()[0]}")
    text = console.read_bytes().decode("latin-1").replace("\r", "")
    if live is not None and console.stat().st_size > shown:
        live(console.read_bytes()[shown:].decode("latin-1"))
    lines = [l.rstrip("\r") for l in report.read_bytes().decode("latin-1").splitlines()]
    return BootResult(flavour, None if timed_out else proc.returncode, timed_out, seconds,
                      first, text, lines)


def load_system_map(path: Path) -> tuple[list[int], list[str]]:
    addrs, names = [], []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    order = sorted(range(len(addrs)), key=addrs.__getitem__)
    return [addrs[i] for i in order], [names[i] for i in order]


def decode_oops(console: str, system_map: Path) -> list[str]:
    """Each kernel text address [<c0123456>] on the console as 'addr function+0xoff'."""
    addrs, names = load_system_map(system_map)
    out = []
    for hexaddr in dict.fromkeys(re.findall(r"\[<([0-9a-f]{8})>\]", console)):
        a = int(hexaddr, 16)
        i = bisect.bisect_right(addrs, a) - 1
        if i >= 0 and a - addrs[i] < 0x10000:
            out.append(f"{hexaddr} {names[i]}+{a - addrs[i]:#x}")
    return out
