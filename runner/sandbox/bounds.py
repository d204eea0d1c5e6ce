"""How a sandboxed run is bounded as a whole: a cgroup of its own, or a uid of its own.

Per-process rlimits alone do not bound a run: a fork bomb multiplies them,
and the kernel does not apply RLIMIT_NPROC to uid 0 at all.  So each run
gets, in order of preference:

- a cgroup of its own (cgroup v2, else the v1 pids and memory hierarchies)
  with pids.max and a memory limit for all its processes together, killed
  and removed by cgroup when the run ends (never by process name);
- as root, also a fresh unprivileged uid (so RLIMIT_NPROC holds, and files
  the grader keeps 0700 are unreadable);
- not root and no cgroup: RLIMIT_NPROC counted on top of the processes the
  user already has.

If none of these can bound the number of processes, describe() says why and
every run raises SandboxUnavailable instead of running unbounded.
"""
from __future__ import annotations

import os
import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PARENT = "lrulab"          # our cgroup under each hierarchy root


class SandboxUnavailable(Exception):
    """Untrusted code cannot be bounded here: the message says why and what to do."""


@dataclass
class Limits:
    """What one sandboxed run may use.  memory is for the whole run (cgroup);
    address_space for each process (clang needs about 256 MiB of it)."""
    memory: int = 768 << 20
    address_space: int = 384 << 20
    processes: int = 16
    open_files: int = 64
    file_size: int = 64 << 20


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, fstype, super options) of every cgroup mount."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) >= 5 and rest and rest[0] in ("cgroup", "cgroup2"):
            found.append((fields[4], rest[0], set(rest[2].split(",")) if len(rest) > 2 else set()))
    return found


def _write(path: Path, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class _Hierarchy:
    """One place runs get cgroups in: a v2 tree, or a v1 pids or memory tree."""

    def __init__(self, root: Path, version: int, controller: str) -> None:
        self.root, self.version, self.controller = root, version, controller
        self.parent = root / PARENT

    def prepare(self) -> None:
        if self.version == 2:
            enabled = (self.root / "cgroup.subtree_control").read_text().split()
            missing = [c for c in ("pids", "memory") if c not in enabled]
            if missing:
                _write(self.root / "cgroup.subtree_control",
                       " ".join(f"+{c}" for c in missing))
        self.parent.mkdir(exist_ok=True)
        if self.version == 2:
            _write(self.parent / "cgroup.subtree_control", "+pids +memory")
        self.reap_stale()

    def reap_stale(self) -> None:
        """Run cgroups left by a grader that was killed: kill what is in them."""
        for d in self.parent.glob("run-*"):
            m = re.match(r"run-(\d+)-", d.name)
            if m and not _pid_alive(int(m.group(1))):
                kill_all([d], self.version)
                _rmdir(d)

    def create(self, name: str, limits: Limits) -> Path:
        d = self.parent / name
        d.mkdir()
        if self.version == 2:
            _write(d / "pids.max", str(limits.processes))
            _write(d / "memory.max", str(limits.memory))
            if (d / "memory.swap.max").exists():
                _write(d / "memory.swap.max", "0")
        elif self.controller == "pids":
            _write(d / "pids.max", str(limits.processes))
        else:
            _write(d / "memory.limit_in_bytes", str(limits.memory))
            if (d / "memory.memsw.limit_in_bytes").exists():
                _write(d / "memory.memsw.limit_in_bytes", str(limits.memory))
        return d

    def out_of_memory(self, d: Path) -> bool:
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        if self.version == 1 and self.controller != "memory":
            return False
        try:
            m = re.search(r"^oom_kill (\d+)", (d / name).read_text(), re.M)
        except OSError:
            return False
        return bool(m and int(m.group(1)))


def _procs(d: Path) -> list[int]:
    try:
        return [int(p) for p in (d / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def kill_all(dirs: list[Path], version: int) -> int:
    """SIGKILL everything in the cgroups until they are empty; how many were killed."""
    killed: set[int] = set()
    for _ in range(200):
        pids = [p for d in dirs for p in _procs(d)]
        if not pids:
            break
        for d in dirs:
            if version == 2 and (d / "cgroup.kill").exists():
                try:
                    _write(d / "cgroup.kill", "1")
                    continue
                except OSError:
                    pass
        for p in pids:
            killed.add(p)
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.005)
    return len(killed)


def _rmdir(d: Path) -> None:
    for _ in range(50):
        try:
            d.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)


@dataclass
class Run:
    """The bounds of one run: launcher arguments, then cleanup()."""
    uid: int | None
    cgroups: list[Path]
    version: int
    owner: "Bounds"

    def launch_args(self, limits: Limits, cpu_seconds: int) -> list[str]:
        args = []
        for d in self.cgroups:
            args += ["--cgroup", str(d)]
        nproc = limits.processes if self.uid is not None or os.geteuid() == 0 \
            else _processes_of(os.getuid()) + limits.processes
        for name, value in (("cpu", cpu_seconds), ("as", limits.address_space),
                            ("nproc", nproc), ("nofile", limits.open_files),
                            ("fsize", limits.file_size), ("core", 0)):
            args += ["--rlimit", f"{name}={value}"]
        if self.uid is not None:
            args += ["--uid", str(self.uid)]
        return args

    def out_of_memory(self) -> bool:
        return any(h.out_of_memory(d) for h, d in zip(self.owner.hierarchies, self.cgroups))

    def cleanup(self) -> int:
        """Kill whatever of the run is left (by cgroup, else by its own uid)."""
        killed = kill_all(self.cgroups, self.version) if self.cgroups else 0
        if not self.cgroups and self.uid is not None:
            killed = _kill_uid(self.uid)
        for d in self.cgroups:
            _rmdir(d)
        return killed


def _processes_of(uid: int) -> int:
    n = 0
    for d in os.listdir("/proc"):
        try:
            n += d.isdigit() and os.stat(f"/proc/{d}").st_uid == uid
        except OSError:
            pass
    return n


def _kill_uid(uid: int) -> int:
    """No cgroup: the run's own uid identifies its processes (never a name)."""
    killed = 0
    for _ in range(50):
        pids = []
        for d in os.listdir("/proc"):
            try:
                if d.isdigit() and os.stat(f"/proc/{d}").st_uid == uid:
                    pids.append(int(d))
            except OSError:
                pass
        if not pids:
            break
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        time.sleep(0.005)
    return killed


class Bounds:
    """Found once per grader process: which mechanisms bound a run here."""

    def __init__(self) -> None:
        self.hierarchies: list[_Hierarchy] = []
        self.version = 0
        self.why_no_cgroup = ""
        self.fresh_uids = os.geteuid() == 0 and \
            os.environ.get("LRULAB_SANDBOX_UID", "auto") != "off"
        self._lock = threading.Lock()
        self._serial = 0
        # LRULAB_SANDBOX_CGROUP=off / LRULAB_SANDBOX_UID=off: what the tests
        # use to check that a run with neither is refused
        if os.environ.get("LRULAB_SANDBOX_CGROUP", "auto") == "off":
            self.why_no_cgroup = "LRULAB_SANDBOX_CGROUP=off"
        else:
            self._find_cgroups()

    def _find_cgroups(self) -> None:
        if os.geteuid() != 0:
            self.why_no_cgroup = "not root (no cgroup to create runs in)"
            return
        mounts = _mounts()
        why = []
        for point, fstype, _ in mounts:
            if fstype != "cgroup2":
                continue
            h = _Hierarchy(Path(point), 2, "pids+memory")
            try:
                controllers = (h.root / "cgroup.controllers").read_text().split()
                if not {"pids", "memory"} <= set(controllers):
                    why.append(f"cgroup v2 at {point} has no pids/memory controller")
                    continue
                h.prepare()
                self.hierarchies, self.version = [h], 2
                return
            except OSError as e:
                why.append(f"cgroup v2 at {point}: {e.strerror}")
        v1 = {}
        for point, fstype, opts in mounts:
            if fstype == "cgroup":
                for c in ("pids", "memory"):
                    if c in opts and c not in v1:
                        v1[c] = _Hierarchy(Path(point), 1, c)
        if set(v1) == {"pids", "memory"}:
            try:
                for h in v1.values():
                    h.prepare()
                self.hierarchies, self.version = [v1["pids"], v1["memory"]], 1
                return
            except OSError as e:
                why.append(f"cgroup v1: {e.strerror}")
        else:
            why.append("no cgroup v1 pids and memory hierarchies")
        self.why_no_cgroup = "; ".join(why) or "no cgroup mounted"

    def describe(self) -> str:
        parts = []
        if self.version:
            parts.append(f"a cgroup v{self.version} per run (pids and memory for the whole run)")
        if self.fresh_uids:
            parts.append("a fresh unprivileged uid per run")
        if not parts:
            parts.append("RLIMIT_NPROC counted over this user's processes (no cgroup: "
                         f"{self.why_no_cgroup})")
        return ", ".join(parts)

    def bounded(self) -> str | None:
        """None, or why the processes of a run cannot be bounded here."""
        if self.version or self.fresh_uids or os.geteuid() != 0:
            return None
        return ("running as root with no cgroup and no other uid to run as "
                f"({self.why_no_cgroup})")

    def new_run(self, limits: Limits) -> Run:
        why = self.bounded()
        if why:
            raise SandboxUnavailable(f"refusing to run untrusted code unbounded: {why}")
        with self._lock:
            self._serial += 1
            serial = self._serial
        uid = 200_000 + (os.getpid() % 4_000_000) * 64 + serial % 64 \
            if self.fresh_uids else None
        dirs = []
        try:
            for h in self.hierarchies:
                dirs.append(h.create(f"run-{os.getpid()}-{serial}", limits))
        except OSError as e:
            for d in dirs:
                _rmdir(d)
            raise SandboxUnavailable(f"cannot create a cgroup for the run: {e}") from None
        return Run(uid, dirs, self.version, self)

    def no_fresh_uids(self) -> None:
        """Uids other than ours cannot be used here (a user namespace that maps
        only root): rely on the cgroup alone, or refuse."""
        self.fresh_uids = False
