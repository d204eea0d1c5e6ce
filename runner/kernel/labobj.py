"""A lab.c compiled for the kernel, inside the sandbox: mm/lrulab_lab.o.

The student's file is untrusted code even at compile time (a compiler bug,
a preprocessor bomb, a file the compiler reads), so it is compiled by
runner.sandbox.run_untrusted, where nothing of the project is visible: the
inputs are a folder with the headers that mm/lab.h pulls in (a minimal
copy of the patched tree's include/, made once per build tree by a trusted
`gcc -M` of a lab.c that includes only lab.h) and a folder with the lab.c
as lrulab_lab.c.  Time, memory, processes and output are bounded.  make
then only links the object (mm/Makefile never compiles it).

The object is built with the kernel's flags but -std=gnu11 (the model's
C11 plus the GNU extensions 2.4's headers need), so that a lab.c the
model's -std=c11 compile accepts compiles here too; -fgnu89-inline keeps
2.4's extern-inline semantics.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from runner import sandbox

from . import paths

NO_LAB = b'#include "lab.h"\n'       # no hook: the 12 Feb 2002 defaults
IN_TREE = "mm/lrulab_lab.o"
SOURCE_NAME = "lrulab_lab.c"          # the name the compiler (and BUG()) sees
BUNDLE = ".lrulab-labinc"             # in the build tree: the headers a lab.c needs
COMPILE_TIMEOUT = 60.0
COMPILE_LIMITS = sandbox.Limits(memory=768 << 20, address_space=512 << 20, processes=8,
                                open_files=64, file_size=16 << 20)
COMPILE_KEEP = 16 * 1024
# Sections an object compiled from a lab.c may have; anything else (init
# code, initcalls, exception tables, symbol exports) is refused.
SECTIONS = {".text", ".text.lock", ".text.unlikely", ".data", ".bss", ".comment",
            ".note.GNU-stack"}

# What the 2.4.17 Makefiles give a file in mm/ for these configs (M686), and
# CFLAGS_KERNEL; tests/kernel checks this against make's own .flags files.
ARCH_CFLAGS = ["-D__KERNEL__", "-I{include}", "-Wall", "-Wstrict-prototypes",
               "-Wno-trigraphs", "-O2", "-fomit-frame-pointer", "-fno-strict-aliasing",
               "-fno-common", "-pipe", "-mpreferred-stack-boundary=2", "-march=i686"]
LAB_STD = "-std=gnu11"
# ./lab boot --gdb (runner/debug/kernel.py): the lab.c with debug information.
# -g does not change the code gcc generates; its object is cached apart.
DEBUG_INFO = False


class LabBuildError(Exception):
    """The lab.c does not compile for the kernel; str() is one line naming it."""


def cflags(include: str) -> list[str]:
    """gcc's flags for a lab.c, with include as the kernel's include/ folder."""
    from .build import CFLAGS_KERNEL       # one list of gcc 12 flags for all
    return [f.format(include=include) for f in ARCH_CFLAGS] + CFLAGS_KERNEL.split() + \
        [LAB_STD] + (["-g"] if DEBUG_INFO else [])


def bundle(tree: Path) -> Path:
    """The headers a lab.c needs: TREE/.lrulab-labinc/{include,mm/lab.h} (made once)."""
    out = tree / BUNDLE
    if (out / "digest").is_file():
        return out
    shutil.rmtree(out, ignore_errors=True)
    probe = tree / "mm" / ".lrulab-probe.c"
    probe.write_bytes(NO_LAB)
    try:
        proc = subprocess.run([paths.CROSS_COMPILE + "gcc", *cflags("../include"), "-M",
                               probe.name], cwd=tree / "mm", capture_output=True, text=True)
    finally:
        probe.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise LabBuildError(f"mm/lab.h does not compile in {tree}: "
                            f"{(proc.stderr.strip().splitlines() or ['?'])[0]}")
    tmp = tree / (BUNDLE + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    h = hashlib.sha256()
    deps = proc.stdout.replace("\\\n", " ").split(":", 1)[1].split()
    for dep in sorted(set(deps)):
        if dep.startswith("/") or dep == probe.name:
            continue            # the compiler's own headers: in /usr
        rel = "/".join(_normalise(Path("mm") / dep))
        data = (tree / rel).read_bytes()
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(data)
        h.update(rel.encode() + b"\0" + data)
    (tmp / "digest").write_text(h.hexdigest() + "\n")
    tmp.rename(out)
    return out


def _normalise(path: Path) -> list[str]:
    """mm/../include/linux/mm.h -> include/linux/mm.h (no symlinks resolved:
    include/asm stays include/asm, as the compiler spells it)."""
    parts: list[str] = []
    for p in path.parts:
        if p == "..":
            if parts:
                parts.pop()
        elif p != ".":
            parts.append(p)
    return parts


def compile_lab(source: bytes, tree: Path, label: str, flavour: str,
                cache: Path) -> Path:
    """Compile source (a lab.c's bytes) for tree's config in the sandbox;
    return the object, cached by content.  LabBuildError names label."""
    headers = bundle(tree)
    flags = cflags(f"{headers}/include")
    key = hashlib.sha256(source + (headers / "digest").read_bytes() +
                         " ".join(cflags("")).encode() +
                         Path(__file__).read_bytes()).hexdigest()[:20]
    cache.mkdir(parents=True, exist_ok=True)
    obj = cache / f"{key}.o"
    if obj.is_file():
        return obj
    with tempfile.TemporaryDirectory(prefix="lrulab-labobj-") as tmp:
        src = Path(tmp) / "lab"
        src.mkdir()
        (src / SOURCE_NAME).write_bytes(source)
        made = Path(tmp) / "lrulab_lab.o"
        # BUG() prints __FILE__ (and gdb reads the debug information's file):
        # the lab.c's own name, not where the sandbox keeps it
        proc = sandbox.run_untrusted(
            [paths.CROSS_COMPILE + "gcc", *flags, f"-I{headers}/mm",
             f"-ffile-prefix-map={src}/=", "-c", f"{src}/{SOURCE_NAME}", "-o", str(made)],
            inputs=[headers, src], outputs=[made], timeout=COMPILE_TIMEOUT,
            raise_on_timeout=False, keep=COMPILE_KEEP, limits=COMPILE_LIMITS)
        if proc.returncode != 0 or not made.is_file():
            raise LabBuildError(f"{flavour}: {first_error(proc.stderr, label, src)}")
        check_sections(made, label, flavour)
        tmp_obj = obj.with_suffix(".tmp")
        shutil.copyfile(made, tmp_obj)
        tmp_obj.rename(obj)
    return obj


def first_error(stderr: str, label: str, src: Path | None = None) -> str:
    """The compiler's first error as one line, with the file named as the student knows it."""
    lines = stderr.strip().splitlines()
    if lines and lines[-1].startswith("error: ") and ("killed" in lines[-1] or
                                                      "memory" in lines[-1]):
        return f"{label}: the compiler was stopped: {lines[-1][7:]}"   # the sandbox's bound
    line = next((l for l in lines if " error: " in l or "error: " in l[:40]), None)
    if line is None:
        line = next((l for l in lines if "error" in l), lines[-1] if lines else
                    "the compiler failed")
    for spelling in ([f"{src}/{SOURCE_NAME}"] if src else []) + [SOURCE_NAME]:
        line = line.replace(spelling, label)
    return line.strip()[:300]


def check_sections(obj: Path, label: str, flavour: str) -> None:
    proc = subprocess.run([paths.CROSS_COMPILE + "objdump", "-h", str(obj)],
                          capture_output=True, text=True)
    names = [l.split()[1] for l in proc.stdout.splitlines()
             if len(l.split()) > 1 and l.split()[0].isdigit()]
    bad = [n for n in names if n not in SECTIONS and not n.startswith(".rodata") and
           not (DEBUG_INFO and n.startswith(".debug_"))]
    if proc.returncode != 0 or bad:
        raise LabBuildError(f"{flavour}: {label}: the kernel object has section "
                            f"{', '.join(bad) or '?'}, which a lab may not have")
