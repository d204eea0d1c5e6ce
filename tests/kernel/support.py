"""Shared helpers: find a kernel tree (installing it from the CI tarball when
there is one) or skip loudly, saying how to fix it; find processes by pid."""
from __future__ import annotations

import os
import shutil
import unittest
from pathlib import Path

from runner.kernel import paths, source

# The documented CI layout: a pristine 2.4.17 next to the project.
CI_TARBALL = paths.REPO.parent / "shared" / "kernel" / "linux-2.4.17.tar.xz"
FIX = ("fix: make kernel-src KERNEL_TARBALL=/path/to/linux-2.4.17.tar.bz2 "
       "(or KERNEL_SRC=/path/to/pristine/linux-2.4.17, or make kernel-src with network)")
TOOLS = "gcc-i686-linux-gnu binutils-i686-linux-gnu qemu-system-x86 genext2fs bc patch"
_installed: list[str] = []       # what the one install attempt of this process said


def _install_from_ci_tarball() -> None:
    """Once per process: with no tree cached, `make kernel-src KERNEL_TARBALL=`
    from the CI tarball, as .ci/run does."""
    if _installed or not CI_TARBALL.is_file():
        return
    try:
        source.install(kernel_tarball=str(CI_TARBALL), log=lambda *_: None)
        _installed.append("ok")
    except source.SourceError as e:
        _installed.append(str(e))


def tree_or_skip(case: unittest.TestCase) -> Path:
    """The pristine 2.4.17 tree from KERNEL_SRC or the cache, else skip the test."""
    try:
        tree = source.find(os.environ.get("KERNEL_SRC") or None)
    except source.SourceError as e:
        case.fail(f"KERNEL_SRC is set but unusable: {e}")
    if tree is None:
        _install_from_ci_tarball()
        tree = source.find()
    if tree is None:
        why = f"; {CI_TARBALL.name} from the CI layout failed: {_installed[0]}" \
            if _installed and _installed[0] != "ok" else ""
        case.skipTest(f"SKIPPED: no Linux {paths.VERSION} tree (KERNEL_SRC unset, nothing in "
                      f"{paths.cached_tree()}{why}); {FIX}")
    return tree


def tools_or_skip(case: unittest.TestCase, *tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        case.skipTest(f"SKIPPED: {', '.join(missing)} not installed; fix: apt-get install "
                      f"{TOOLS}")


# ---- processes, by pid ------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may hold spaces: split after its closing parenthesis
    head, rest = text.rsplit(")", 1)
    return [head.split(" (", 1)[1]] + rest.split()


def children(pid: int, comm_prefix: str = "") -> list[tuple[int, str]]:
    """(pid, start time) of the live children of pid whose name starts with comm_prefix."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = _stat(int(d))
        # fields after comm: state ppid ... starttime is field 22 overall
        if st and st[2] == str(pid) and st[0].startswith(comm_prefix) and st[1] != "Z":
            out.append((int(d), st[20]))
    return out


def alive(pid: int, start: str) -> bool:
    """Is the process pid, started at start, still running (a zombie is not)?"""
    st = _stat(pid)
    return bool(st) and st[20] == start and st[1] not in ("Z", "X")
