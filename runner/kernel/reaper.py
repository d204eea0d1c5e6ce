"""Every QEMU this process starts dies with it, however it ends.

QEMU runs in its own session (so that a Ctrl-C meant for us does not reach
it half-way), which also means no signal sent to our process group reaches
it.  So: each QEMU gets PR_SET_PDEATHSIG = SIGKILL (the kernel kills it if
the thread that started it dies, even by SIGKILL); SIGTERM, SIGINT and
SIGHUP kill every live QEMU by pid before they do what they did before
(exit by that signal, or KeyboardInterrupt); an atexit hook does the same
at a normal exit; and reap() kills and waits for one QEMU on any path out
of a boot (timeout, early verdict, exception).
"""
from __future__ import annotations

import atexit
import os
import signal
import subprocess
import threading

from runner.lifetime import die_with_parent

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

_live: dict[int, subprocess.Popen] = {}
_lock = threading.Lock()
_previous: dict[int, object] = {}
_installed = False


def live_pids() -> list[int]:
    with _lock:
        return list(_live)


def live() -> list[subprocess.Popen]:
    """The QEMUs not reaped yet (a test signals one through its Popen, which
    will not signal a pid that has been waited for)."""
    with _lock:
        return list(_live.values())


def kill_all() -> None:
    """Kill every live QEMU (its whole process group) and wait for it."""
    with _lock:
        procs = list(_live.values())
    for proc in procs:
        reap(proc)


def _on_signal(signum: int, frame) -> None:
    kill_all()
    before = _previous.get(signum, signal.SIG_DFL)
    if callable(before):
        before(signum, frame)          # e.g. KeyboardInterrupt for SIGINT
    elif before != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)   # end as that signal would have


def _install() -> None:
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    for sig in SIGNALS:
        _previous[sig] = signal.getsignal(sig)
        signal.signal(sig, _on_signal)
    atexit.register(kill_all)
    _installed = True


def spawn(args: list[str], **kwargs) -> subprocess.Popen:
    """Popen for QEMU: own session, dies with us, registered until reaped."""
    _install()
    proc = subprocess.Popen(args, start_new_session=True, preexec_fn=die_with_parent,
                            **kwargs)
    with _lock:
        _live[proc.pid] = proc
    return proc


def reap(proc: subprocess.Popen) -> None:
    """Kill proc's process group if it still runs, and wait for it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    with _lock:
        _live.pop(proc.pid, None)
