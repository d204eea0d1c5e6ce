"""Patched build trees and bzImages, one per flavour (up, smp).

build/kernel/tree-FLAVOUR is the pristine tree + the series + the flavour's
config; it is recreated when the series, a patch or the config changes
(identity in .lrulab-tree) and otherwise rebuilt incrementally by make.
The lab.c is never compiled by make: labobj compiles it in the sandbox and
drops mm/lrulab_lab.o in, which make links.
Outputs: build/kernel/bzImage-FLAVOUR and System.map-FLAVOUR.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import labobj, patches, paths, source

TREE_STAMP = ".lrulab-tree"
BUILT_STAMP = ".lrulab-built"          # the lab object the last bzImage was linked with

# gcc 12 flags that make 2.4 code compile and behave as with the gcc of 2002
# (see docs/kernel.md): C89 inline semantics, no PIE/stack protector/CET/unwind
# tables, no optimisations that assume C99 overflow/NULL rules, no tail calls
# (asmlinkage frames), and no memmove/memset calls invented from loops.
CFLAGS_KERNEL = " ".join([
    "-std=gnu89", "-fgnu89-inline", "-fno-pie", "-fno-stack-protector",
    "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fcf-protection=none",
    "-fno-strict-overflow", "-fno-delete-null-pointer-checks",
    "-fno-optimize-sibling-calls", "-fno-tree-loop-distribute-patterns",
    "-Wno-pointer-sign", "-Wno-unused", "-Wno-address",
])


class BuildError(Exception):
    """A build step failed; str() is a one-line reason (details in the log).
    lab_error: the lab.c itself does not compile (the student's fault)."""

    def __init__(self, message: str, lab_error: bool = False) -> None:
        super().__init__(message)
        self.lab_error = lab_error


@dataclass
class BuildResult:
    flavour: str
    bzimage: Path
    system_map: Path
    tree: Path
    seconds: float
    fresh_tree: bool
    lab: Path | None = None


def make_args() -> list[str]:
    return ["make", "ARCH=i386", f"CROSS_COMPILE={paths.CROSS_COMPILE}",
            f"CFLAGS_KERNEL={CFLAGS_KERNEL}"]


def config_file(flavour: str) -> Path:
    return paths.CONFIGS / f"{flavour}.config"


def check_toolchain() -> None:
    for tool in (paths.CROSS_COMPILE + "gcc", paths.CROSS_COMPILE + "ld", "make", "patch"):
        if shutil.which(tool) is None:
            raise BuildError(f"{tool} not found: apt-get install gcc-i686-linux-gnu "
                             f"binutils-i686-linux-gnu make patch bc")


def _run(args: list[str], cwd: Path, log: Path, what: str, stdin: str | None = None) -> None:
    with log.open("a") as f:
        f.write(f"\n$ {' '.join(args)}\n")
        f.flush()
        proc = subprocess.run(args, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                              input=stdin, text=True)
    if proc.returncode != 0:
        raise BuildError(f"{what} failed (exit {proc.returncode}); see {log}: "
                         f"{first_error(log)}")


def first_error(log: Path) -> str:
    """The first compiler/linker error line of a build log, for one-line reports."""
    for line in log.read_text(errors="replace").splitlines():
        if " error: " in line or "Error: " in line or "undefined reference" in line:
            return line.strip()[:200]
    return "no error line found"


def prepare_tree(pristine: Path, flavour: str, out: Path, log: Path) -> tuple[Path, bool]:
    """Return (tree, fresh): a patched, configured tree for flavour, reused if current."""
    tree = out / f"tree-{flavour}"
    want = patches.digest(extra=(config_file(flavour),))
    stamp = tree / TREE_STAMP
    if stamp.is_file() and stamp.read_text().strip() == want:
        return tree, False
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(pristine, tree, symlinks=True,
                    ignore=shutil.ignore_patterns(source.STAMP, TREE_STAMP))
    try:
        patches.apply(tree)
    except patches.PatchError as e:
        raise BuildError(str(e)) from None
    shutil.copyfile(config_file(flavour), tree / ".config")
    _run(make_args() + ["oldconfig"], tree, log, f"{flavour}: make oldconfig", stdin="\n" * 2000)
    _run(make_args() + ["dep"], tree, log, f"{flavour}: make dep")
    stamp.write_text(want + "\n")
    return tree, True


def install_lab(tree: Path, flavour: str, lab: Path | None, label: str | None,
                out: Path) -> None:
    """Compile lab (None: a lab.c with no hook, i.e. the 12 Feb 2002 patch) in
    the sandbox and put the object at mm/lrulab_lab.o.

    The object is rewritten only when it changes, so make relinks only then.
    """
    if not (tree / "mm" / "lab.h").is_file():
        if lab is not None:
            raise BuildError("the patch series has no harness (mm/lab.h): "
                             "cannot build a lab.c into the kernel")
        return
    source = lab.read_bytes() if lab is not None else labobj.NO_LAB
    try:
        obj = labobj.compile_lab(source, tree, label or (str(lab) if lab else "no lab"),
                                 flavour, out / f"labobj-{flavour}")
    except labobj.LabBuildError as e:
        raise BuildError(str(e), lab_error=True) from None
    target = tree / labobj.IN_TREE
    if not target.is_file() or target.read_bytes() != obj.read_bytes():
        (tree / BUILT_STAMP).unlink(missing_ok=True)
        shutil.copyfile(obj, target)


def build(pristine: Path, flavour: str, out: Path | None = None,
          jobs: int | None = None, lab: Path | None = None,
          label: str | None = None) -> BuildResult:
    """Build (or bring up to date) the bzImage of one flavour, with lab.c if given
    (label: how build errors name it, default its path)."""
    if flavour not in paths.FLAVOURS:
        raise BuildError(f"unknown flavour {flavour!r} (one of {', '.join(paths.FLAVOURS)})")
    check_toolchain()
    out = out or paths.build_dir()
    out.mkdir(parents=True, exist_ok=True)
    log = out / f"build-{flavour}.log"
    log.write_text("")
    start = time.monotonic()
    tree, fresh = prepare_tree(pristine, flavour, out, log)
    install_lab(tree, flavour, lab, label, out)
    jobs = jobs or os.cpu_count() or 1
    built = tree / BUILT_STAMP
    image = tree / "arch/i386/boot/bzImage"
    if fresh or not built.is_file() or not image.is_file():
        built.unlink(missing_ok=True)
        _run(make_args() + [f"-j{jobs}", "bzImage"], tree, log, f"{flavour}: make bzImage")
        built.write_text("the bzImage holds mm/lrulab_lab.o as it is\n")
    bz, sm = out / f"bzImage-{flavour}", out / f"System.map-{flavour}"
    shutil.copyfile(tree / "arch/i386/boot/bzImage", bz)
    shutil.copyfile(tree / "System.map", sm)
    return BuildResult(flavour, bz, sm, tree, time.monotonic() - start, fresh, lab)
