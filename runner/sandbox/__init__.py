"""The sandbox: every compile and run of student code goes through run_untrusted.

bubblewrap gives the process a world of its own: no network (all namespaces
unshared), the system (/usr, /etc, /lib) read-only, a private /tmp, and
/sandbox holding copies of its inputs (files or folders, read-only) and an
empty folder for its outputs.  Nothing of the project is mounted, so no
solution, answer key, bad variant, test or other student's file is there to
read, whatever the run does and wherever the checkout lives.  Trusted files
that many runs need alike (a build's headers and objects: tools) are copied
once, into /tmp/lrulab-tools-UID/KEY, and that copy is mounted read-only.

The run as a whole is bounded (runner/sandbox/bounds.py): a cgroup of its
own for processes and memory, a fresh uid as root, rlimits for CPU, address
space, open files and file size, a wall-clock timeout, and stdout and
stderr kept to 64 KiB each (head and tail), the rest counted.  It is
started by build/sandbox-launch, which joins the cgroup, sets the limits
and drops the uid before exec.

Where bubblewrap cannot create namespaces (some containers), the process
runs with the same bounds but sees the host's files: describe() says so,
and the grader prints it in every report header.
"""
import hashlib
import os
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

from runner.paths import BUILD, ROOT
from runner.sandbox.bounds import Bounds, Limits, SandboxUnavailable  # noqa: F401

KEEP = 64 * 1024               # of each stream: 3/4 head + 1/4 tail
KILL_AFTER_BYTES = 16 * 1024 * 1024   # more output than this: killed
INSIDE = "/sandbox"
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
       "HOME": "/tmp", "TMPDIR": "/tmp"}
LAUNCH_SRC = ROOT / "runner" / "sandbox" / "launch.c"
LAUNCH = BUILD / "sandbox-launch"


@dataclass
class Stats:
    runs: int = 0
    seconds: float = 0.0


STATS = Stats()
_lock = threading.Lock()
_mode: tuple[str, str] | None = None     # ("bwrap" | "fallback", why)
_bounds: Bounds | None = None
_base: Path | None = None


def bounds() -> Bounds:
    global _bounds
    with _lock:
        if _bounds is None:
            _bounds = Bounds()
        return _bounds


def _launcher() -> Path:
    """build/sandbox-launch, compiled from runner/sandbox/launch.c when missing
    or older (make builds it too; a fresh clone may not have run make)."""
    with _lock:
        if not LAUNCH.exists() or LAUNCH.stat().st_mtime < LAUNCH_SRC.stat().st_mtime:
            LAUNCH.parent.mkdir(parents=True, exist_ok=True)
            tmp = LAUNCH.with_name(f".sandbox-launch.{os.getpid()}")
            subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror",
                            "-o", str(tmp), str(LAUNCH_SRC)], check=True)
            tmp.rename(LAUNCH)
        return LAUNCH


def _traversable(d: Path) -> bool:
    """Can any uid reach d (every folder on the way searchable by others)?"""
    try:
        return all(os.stat(p).st_mode & stat.S_IXOTH for p in [d, *d.parents])
    except OSError:
        return False


def _run_base() -> Path:
    """Where run folders go: somewhere a fresh uid can reach, whatever TMPDIR is."""
    global _base
    if _base is None:
        for cand in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"):
            if os.path.isdir(cand) and _traversable(Path(cand)):
                _base = Path(cand)
                break
        else:
            raise SandboxUnavailable("no folder every uid can reach for run folders "
                                     "(/tmp, /var/tmp, /dev/shm)")
    return _base


def _bwrap_args(run_dir: Path, tools: list[tuple[Path, str]] = ()) -> list[str]:
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for d in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    args += ["--bind", str(run_dir), INSIDE, "--ro-bind", str(run_dir / "in"),
             f"{INSIDE}/in"]
    for copy, inside in tools:
        args += ["--ro-bind", str(copy), inside]
    return args + ["--chdir", f"{INSIDE}/out", "--"]


def _probe() -> tuple[bool, str]:
    """Does `true` run in bubblewrap through the launcher here?"""
    b = bounds()
    for attempt in range(2):
        run = b.new_run(Limits())
        run_dir = Path(tempfile.mkdtemp(prefix="lrulab-probe-", dir=_run_base()))
        try:
            _own(run_dir, run.uid)
            argv = [str(_launcher()), *run.launch_args(Limits(), 20), "--",
                    *_bwrap_args(run_dir), "true"]
            proc = subprocess.run(argv, env=ENV, capture_output=True, text=True,
                                  timeout=20, start_new_session=True)
        except (OSError, subprocess.SubprocessError) as e:
            return False, str(e)
        finally:
            run.cleanup()
            shutil.rmtree(run_dir, ignore_errors=True)
        if proc.returncode == 126 and "cannot become uid" in proc.stderr and attempt == 0:
            b.no_fresh_uids()       # a user namespace that maps root alone
            if b.bounded():
                raise SandboxUnavailable(f"refusing to run untrusted code: {b.bounded()}")
            continue
        return proc.returncode == 0, proc.stderr.strip()[:200]
    return False, "the launcher failed"


def _own(run_dir: Path, uid: int | None) -> None:
    """The run folder belongs to the run alone: 0700, owned by its uid."""
    (run_dir / "in").mkdir(mode=0o755)
    (run_dir / "out").mkdir(mode=0o700)
    if uid is not None:
        os.chown(run_dir, uid, uid)
        os.chown(run_dir / "out", uid, uid)
    os.chmod(run_dir, 0o700)


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
    elif bounds().bounded():
        found = ("refused", bounds().bounded())
    else:
        ok, why = _probe()
        found = ("bwrap", "bubblewrap: no network, read-only system, nothing of the "
                 "project, private /tmp") if ok else \
            ("fallback", f"bubblewrap cannot create namespaces here: {why or 'failed'}")
    with _lock:
        _mode = found
    return found


def describe() -> str:
    kind, what = mode()
    b = bounds()
    limits = (f"{b.describe()}; rlimits (CPU, address space, processes, open files, "
              "file size), wall timeout, output capped at 64 KiB")
    if kind == "refused":
        return f"sandbox: REFUSING untrusted code: {what}"
    if kind == "bwrap":
        return f"sandbox: {what}; {limits}"
    return (f"sandbox: FALLBACK, NO bubblewrap ({what}): the run sees this machine's "
            f"files; {limits}")


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



def _copy_in(src: Path, dest: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dest, symlinks=False, ignore_dangling_symlinks=True)
        for d, dirs, files in os.walk(dest):
            os.chmod(d, 0o755)
            for f in files:
                p = Path(d) / f
                os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)
    else:
        shutil.copyfile(src, dest)
        os.chmod(dest, 0o755 if os.access(src, os.X_OK) else 0o644)


TOOLS_KEPT = 24 * 3600          # seconds an unused copy of older tools is kept
_tools_used: set[Path] = set()
_tools_dir: list[Path] = []


def _tools() -> Path:
    """Where copies of tools go: beside the run folders (bubblewrap mounts as
    the run's uid, which must reach it wherever the checkout lives), in a
    folder of this uid's that no one else may write: else one of its own."""
    with _lock:
        if _tools_dir:
            return _tools_dir[0]
        d = _run_base() / f"lrulab-tools-{os.geteuid()}"
        try:
            d.mkdir(mode=0o755)
        except FileExistsError:
            pass
        st = os.lstat(d)
        if not (stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid()
                and not st.st_mode & 0o022):
            d = Path(tempfile.mkdtemp(prefix="lrulab-tools-", dir=_run_base()))
        os.chmod(d, 0o755)
        _tools_dir.append(d)
        return d


def _tool_copy(src: Path) -> Path:
    """A read-only copy of a trusted file or folder, made once for as long as
    it is unchanged (the key covers each file's path, size and mtime): the
    sandbox mounts it instead of copying it into every run."""
    h = hashlib.sha256(str(src).encode())
    for f in sorted([src, *src.rglob("*")] if src.is_dir() else [src]):
        st = f.stat()
        h.update(f"{f.relative_to(src) if f != src else ''} {st.st_size} "
                 f"{st.st_mtime_ns}".encode())
    tools = _tools()
    copy = tools / h.hexdigest()[:24]
    if not copy.exists():
        tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=tools))
        _copy_in(src, tmp / src.name)
        os.chmod(tmp, 0o755)
        try:
            tmp.rename(copy)
        except OSError:             # made meanwhile by another grader: the same
            shutil.rmtree(tmp, ignore_errors=True)
        _prune_tools(tools, keep=copy)
    if copy not in _tools_used:     # in use: not pruned by another grader
        os.utime(copy)
        _tools_used.add(copy)
    return copy / src.name


def _prune_tools(tools: Path, keep: Path) -> None:
    """Copies of tools that have since changed, unused for a day, go."""
    now = time.time()
    for old in tools.iterdir():
        try:
            if old != keep and now - old.stat().st_mtime > TOOLS_KEPT:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def run_untrusted(args: list[str], *, inputs: list[Path] = (), tools: list[Path] = (),
                  outputs: list[Path] = (), timeout: float = 60,
                  raise_on_timeout: bool = True, keep: int = KEEP,
                  limits: Limits | None = None) -> subprocess.CompletedProcess:
    """Run args in the sandbox; like subprocess.run(capture_output, text).

    inputs are files or folders copied in (read-only), outputs files the run
    may write and that are copied back when it ends; both are named in args
    by their own paths, which are translated on the way in and on the way
    out.  tools are inputs that are trusted and the same for many runs (no
    student's file): mounted read-only from one copy (_tool_copy) where
    bubblewrap runs, copied in like inputs where it does not.  On timeout
    the whole run is killed and TimeoutExpired raised (or, with
    raise_on_timeout=False, returncode -9 and an "error: timed out"
    line); a run killed for using too much memory says so in stderr.
    keep: bytes kept of stdout (more for a trusted tool's big output).
    Raises SandboxUnavailable where the run could not be bounded.
    """
    limits = limits or Limits()
    kind, _ = mode()
    start = time.monotonic()
    run = bounds().new_run(limits)
    run_dir = Path(tempfile.mkdtemp(prefix="lrulab-run-", dir=_run_base()))
    try:
        _own(run_dir, run.uid)
        inside = INSIDE if kind == "bwrap" else str(run_dir)
        mapping: list[tuple[str, str]] = []
        for i, src in enumerate(inputs):
            d = run_dir / "in" / str(i)
            d.mkdir(mode=0o755)
            _copy_in(Path(src), d / Path(src).name)
            mapping.append((str(src), f"{inside}/in/{i}/{Path(src).name}"))
        mounted: list[tuple[Path, str]] = []
        for i, src in enumerate(tools):
            if kind == "bwrap":
                box = f"{INSIDE}/tools/{i}/{Path(src).name}"
                mounted.append((_tool_copy(Path(src)), box))
            else:
                d = run_dir / "in" / f"t{i}"
                d.mkdir(mode=0o755)
                _copy_in(Path(src), d / Path(src).name)
                box = f"{inside}/in/t{i}/{Path(src).name}"
            mapping.append((str(src), box))
        for i, dst in enumerate(outputs):
            mapping.append((str(dst), f"{inside}/out/{i}_{Path(dst).name}"))
        mapping.sort(key=lambda m: -len(m[0]))

        def inward(a: str) -> str:
            for host, box in mapping:
                a = a.replace(host, box)
            return a
        argv = [inward(a) for a in args]
        if kind == "bwrap":
            argv = _bwrap_args(run_dir, mounted) + argv
        argv = [str(_launcher()), *run.launch_args(limits, int(timeout) + 1), "--", *argv]
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=ENV, cwd=run_dir / "out",
                                start_new_session=True)
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
            run.cleanup()
        try:
            returncode = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            run.cleanup()
            returncode = proc.wait()
        _kill_group(proc)               # stragglers that kept the group
        oom = run.out_of_memory()
        leftover = run.cleanup()        # and those that left it
        if kind == "bwrap" and 128 < returncode < 128 + 65:
            returncode = 128 - returncode   # bwrap reports a signal as 128+N
        proc.stdout.close()
        proc.stderr.close()

        def outward(text: str) -> str:
            for host, box in mapping:
                text = text.replace(box, host)
            return text
        stdout, stderr = outward(out.text()), outward(err.text())
        if returncode == 126 and stderr.startswith("sandbox-launch:"):
            raise SandboxUnavailable(stderr.strip().splitlines()[0])
        if oom:
            stderr += (f"\nerror: killed: out of memory (a run may use "
                       f"{limits.memory >> 20} MiB in all)\n")
            returncode = -9
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
        result = subprocess.CompletedProcess(args, returncode, stdout, stderr)
        result.leftover = leftover      # processes killed after the run ended
        result.cgroups = [str(d) for d in run.cgroups]
        return result
    finally:
        run.cleanup()
        shutil.rmtree(run_dir, ignore_errors=True)
        with _lock:
            STATS.runs += 1
            STATS.seconds += time.monotonic() - start
