"""Where the kernel stage keeps things, and the release it pins."""
from __future__ import annotations

import os
from pathlib import Path

VERSION = "2.4.17"
TREE_NAME = f"linux-{VERSION}"
# The official release, from the kernel.org archive (tried in order).
URLS = (
    f"https://cdn.kernel.org/pub/linux/kernel/v2.4/{TREE_NAME}.tar.bz2",
    f"https://cdn.kernel.org/pub/linux/kernel/v2.4/{TREE_NAME}.tar.gz",
)
CROSS_COMPILE = "i686-linux-gnu-"
FLAVOURS = ("up", "smp")
# The files of Hugh Dickins' 12 Feb 2002 patch: pinned even before any patch
# of ours touches them, so a tree with a different mm is refused early.
LAB_FILES = ("mm/memory.c", "mm/page_alloc.c", "mm/swap_state.c", "mm/swapfile.c",
             "mm/vmscan.c")

from runner.paths import ROOT as REPO  # noqa: E402
PATCHES = REPO / "kernel-tree-patches"
CHECKSUMS = PATCHES / "checksums.sha256"
CONFIGS = PATCHES / "configs"
GUEST = REPO / "guest"


def cache_dir() -> Path:
    """The download/source cache: outside build/, so `make clean` keeps it.

    $LRULAB_CACHE, else $XDG_CACHE_HOME/lrulab, else ~/.cache/lrulab.
    """
    if os.environ.get("LRULAB_CACHE"):
        return Path(os.environ["LRULAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "lrulab"


def cached_tree() -> Path:
    """The verified pristine tree that `make kernel-src` leaves in the cache."""
    return cache_dir() / TREE_NAME


def build_dir() -> Path:
    """Build products of the kernel stage: $LRULAB_KBUILD or build/kernel."""
    if os.environ.get("LRULAB_KBUILD"):
        return Path(os.environ["LRULAB_KBUILD"])
    return REPO / "build" / "kernel"


_run_counter = 0


def new_run_dir(name: str = "", out: Path | None = None) -> tuple[str, Path]:
    """A fresh directory for one kernel run's logs: (run id, path).

    The id is YYYYmmdd-HHMMSS-PID-N[-name]; the directory is created here,
    exclusively, so no run ever writes over another's console or report.
    """
    import time
    global _run_counter
    runs = (out or build_dir()) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:60]
    while True:
        _run_counter += 1
        run_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{_run_counter}" + \
            (f"-{safe}" if safe else "")
        try:
            (runs / run_id).mkdir()
            return run_id, runs / run_id
        except FileExistsError:
            continue
