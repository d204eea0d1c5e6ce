"""The sandbox: every compile and run of student code goes through run_untrusted.

bubblewrap gives the process a world of its own: no network (all namespaces
unshared), the system and the project read-only, a private /tmp, and
/sandbox holding copies of its inputs and an empty directory for its
outputs; submissions and the grader's output folder are never mounted.  As
root the process also runs under a fresh uid of its own, so that the
process-count rlimit holds (the kernel does not enforce it for root).
rlimits cap CPU, address space, processes, open files and file size; a
wall-clock timeout kills the whole process group; stdout and stderr keep
64 KiB each (head and tail), the rest is counted.

Where bubblewrap cannot create namespaces (some containers), the same
process runs with rlimits, its own uid and process group only: describe()
says so, and the grader prints it in every report header.
"""
import os
import resource
import selectors
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from runner.labs import ROOT

KEEP = 64 * 1024               # of each stream: 3/4 head + 1/4 tail
KILL_AFTER_BYTES = 16 * 1024 * 1024   # more output than this: killed
INSIDE = "/sandbox"
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
       "HOME": "/tmp", "TMPDIR": "/tmp"}
HIDE: list[Path] = []          # never visible inside (submissions, output folder)


@dataclass
class Limits:
    address_space: int = 1 << 30
    processes: int = 32
    open_files: int = 64
    file_size: int = 64 << 20


@dataclass
class Stats:
    runs: int = 0
    seconds: float = 0.0


STATS = Stats()
_lock = threading.Lock()
_mode: tuple[str, str] | None = None     # ("bwrap" | "fallback", why)
_slot = 0


def _project_shared() -> bool:
    """Can another uid read the project (every folder above it searchable)?"""
    p = ROOT
    for d in [p, *p.parents]:
        if not os.stat(d).st_mode & stat.S_IXOTH:
            return False
    return bool(os.stat(ROOT / "model" / "include").st_mode & stat.S_IROTH)


def _uid() -> int | None:
    """A fresh unprivileged uid for this run when we are root, else None."""
    global _slot
    if os.geteuid() != 0 or not _project_shared():
        return None
    with _lock:
        _slot = (_slot + 1) % 64
        return 200_000 + (os.getpid() % 4_000_000) * 64 + _slot


def _nproc_limit(uid: int | None, limits: Limits) -> int:
    if uid is not None:
        return limits.processes
    # not root: the limit counts every process of this user
    mine = 0
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.stat(f"/proc/{d}").st_uid == os.getuid():
                mine += 1
        except OSError:
            pass
    return mine + limits.processes


def _bwrap_args(run_dir: Path) -> list[str]:
    if os.geteuid() == 0 and not _project_shared():     # stays uid 0: no user ns
        args = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net",
                "--unshare-uts", "--unshare-cgroup-try", "--cap-drop", "ALL"]
    else:
        args = ["bwrap", "--unshare-all"]
    args += ["--die-with-parent", "--new-session", "--dev", "/dev", "--proc", "/proc",
             "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    args += ["--ro-bind", str(ROOT), str(ROOT)]
    for hidden in HIDE:
        h = Path(hidden).resolve()
        if h.is_dir() and (h == ROOT or ROOT in h.parents or
                           any(Path(p) in h.parents for p in ("/usr", "/etc"))):
            args += ["--tmpfs", str(h)]
    args += ["--bind", str(run_dir), INSIDE, "--chdir", f"{INSIDE}/out", "--"]
    return args


def mode() -> tuple[str, str]:
    """("bwrap", what it does) or ("fallback", why bubblewrap is not used)."""
    global _mode
    with _lock:
        if _mode is not None:
            return _mode
    want = os.environ.get("LRULAB_SANDBOX", "auto")
    if want == "fallback":
        found = ("fallback", "LRULAB_SANDBOX=fallback")
    elif not shutil.which("bwrap"):
        found = ("fallback", "bubblewrap is not installed (Debian package bubblewrap)")
    else:
        with tempfile.TemporaryDirectory(prefix="lrulab-probe-") as tmp:
            run_dir = Path(tmp)
            os.chmod(run_dir, 0o755)
            (run_dir / "out").mkdir()
            uid = _uid()
            try:
                proc = subprocess.run(_bwrap_args(run_dir) + ["true"], env=ENV,
                                      capture_output=True, text=True, timeout=20,
                                      user=uid, group=uid, extra_groups=[] if uid else None)
                ok, why = proc.returncode == 0, proc.stderr.strip()[:200]
            except (OSError, subprocess.SubprocessError) as e:
                ok, why = False, str(e)
        found = ("bwrap", "bubblewrap: no network, read-only system and project, "
                 "private /tmp, submissions and output hidden"
                 + (", a fresh uid per run" if os.geteuid() == 0 else "")) if ok else \
            ("fallback", f"bubblewrap cannot create namespaces here: {why or 'failed'}")
    with _lock:
        _mode = found
    return found


def describe() -> str:
    kind, what = mode()
    limits = "rlimits (CPU, address space, processes, open files, file size), " \
             "wall timeout killing the process group, output capped at 64 KiB"
    if os.geteuid() == 0 and not _project_shared():
        limits += (f"; WARNING: running as root with {ROOT} unreadable to other users, "
                   "so runs keep uid 0 and the process limit is not enforced")
    if kind == "bwrap":
        return f"sandbox: {what}; {limits}"
    return f"sandbox: FALLBACK, NO bubblewrap ({what}): {limits} only"


class _Capture:
    """Head and tail of one stream, and how many bytes it had."""

    def __init__(self, keep: int) -> None:
        self.keep_head, self.keep_tail = keep * 3 // 4, keep // 4
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.keep_head - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail = (self.tail + data)[-self.keep_tail:]

    def text(self) -> str:
        cut = self.total - len(self.head) - len(self.tail)
        body = bytes(self.head)
        if cut > 0:
            body += f"\n[... {cut} bytes cut ...]\n".encode()
        return (body + bytes(self.tail)).decode("utf-8", errors="replace")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_uid(uid: int | None) -> None:
    """Fallback mode: whatever the run's own uid still runs (a setsid daemon)."""
    if uid is None:
        return
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.stat(f"/proc/{d}").st_uid == uid:
                os.kill(int(d), signal.SIGKILL)
        except OSError:
            pass


def run_untrusted(args: list[str], *, inputs: list[Path] = (),
                  outputs: list[Path] = (), timeout: float = 60,
                  raise_on_timeout: bool = True, keep: int = KEEP,
                  limits: Limits | None = None) -> subprocess.CompletedProcess:
    """Run args in the sandbox; like subprocess.run(capture_output, text).

    inputs are files copied in (read-only), outputs files the run may write
    and that are copied back when it ends; both are named in args by their
    own paths, which are translated on the way in and on the way out.
    The project is visible read-only at its own path.  On timeout the
    process group is killed and TimeoutExpired raised (or, with
    raise_on_timeout=False, returncode -9 and an "error: timed out" line).
    keep: bytes kept of each stream (more for a trusted tool's big output).
    """
    limits = limits or Limits()
    kind, _ = mode()
    start = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="lrulab-run-"))
    uid = _uid()
    try:
        os.chmod(run_dir, 0o755)
        inside = INSIDE if kind == "bwrap" else str(run_dir)
        (run_dir / "in").mkdir(mode=0o755)
        (run_dir / "out").mkdir(mode=0o700)
        if uid is not None:
            os.chown(run_dir / "out", uid, uid)
        mapping: list[tuple[str, str]] = []
        for i, src in enumerate(inputs):
            d = run_dir / "in" / str(i)
            d.mkdir(mode=0o755)
            shutil.copyfile(src, d / Path(src).name)
            os.chmod(d / Path(src).name, 0o755 if os.access(src, os.X_OK) else 0o644)
            mapping.append((str(src), f"{inside}/in/{i}/{Path(src).name}"))
        for i, dst in enumerate(outputs):
            mapping.append((str(dst), f"{inside}/out/{i}_{Path(dst).name}"))
        mapping.sort(key=lambda m: -len(m[0]))

        def inward(a: str) -> str:
            for host, box in mapping:
                a = a.replace(host, box)
            return a
        argv = [inward(a) for a in args]
        if kind == "bwrap":
            argv = _bwrap_args(run_dir) + argv
        nproc = _nproc_limit(uid, limits)
        cpu = int(timeout) + 1

        def set_limits() -> None:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            resource.setrlimit(resource.RLIMIT_AS, (limits.address_space,) * 2)
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files,) * 2)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size,) * 2)
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=ENV, cwd=run_dir / "out",
                                start_new_session=True, preexec_fn=set_limits,
                                user=uid, group=uid, extra_groups=[] if uid else None)
        out, err = _Capture(keep), _Capture(KEEP)
        kill_after = max(KILL_AFTER_BYTES, 2 * keep)
        timed_out = flooded = False
        deadline = start + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ, out)
            sel.register(proc.stderr, selectors.EVENT_READ, err)
            open_streams = 2
            while open_streams:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                for key, _ in sel.select(timeout=min(left, 1.0)):
                    data = os.read(key.fd, 65536)
                    if not data:
                        sel.unregister(key.fileobj)
                        open_streams -= 1
                    else:
                        key.data.add(data)
                if out.total + err.total > kill_after:
                    flooded = True
                    break
        if timed_out or flooded:
            _kill_group(proc)
        try:
            returncode = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            returncode = proc.wait()
        _kill_group(proc)               # stragglers that kept the group
        if kind == "bwrap" and 128 < returncode < 128 + 65:
            returncode = 128 - returncode   # bwrap reports a signal as 128+N
        if kind != "bwrap":
            _kill_uid(uid)
        proc.stdout.close()
        proc.stderr.close()

        def outward(text: str) -> str:
            for host, box in mapping:
                text = text.replace(box, host)
            return text
        stdout, stderr = outward(out.text()), outward(err.text())
        if flooded:
            stderr += f"\nerror: more than {kill_after >> 20} MiB of output; killed\n"
            returncode = -9
        if timed_out:
            if raise_on_timeout:
                raise subprocess.TimeoutExpired(args, timeout, output=stdout, stderr=stderr)
            stderr += f"\nerror: timed out after {timeout:g} s; killed\n"
            returncode = -9
        for i, dst in enumerate(outputs):
            made = run_dir / "out" / f"{i}_{Path(dst).name}"
            if made.is_file() and not made.is_symlink():
                shutil.copyfile(made, dst)
                os.chmod(dst, 0o755 if os.access(made, os.X_OK) else 0o644)
        return subprocess.CompletedProcess(args, returncode, stdout, stderr)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        with _lock:
            STATS.runs += 1
            STATS.seconds += time.monotonic() - start
