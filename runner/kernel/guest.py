"""The guest: guest/init.c built with the cross compiler, packed in an ext2 initrd."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import paths

# Static, freestanding, no PIE: the 2.4 kernel's ELF loader and no libc.
GUEST_CFLAGS = ["-Os", "-Wall", "-march=i686", "-static", "-nostdlib", "-ffreestanding",
                "-fno-pie", "-no-pie", "-fno-stack-protector",
                "-fno-asynchronous-unwind-tables", "-fno-builtin"]


class GuestError(Exception):
    """Building the guest failed; str() is a one-line reason."""


def sources() -> list[Path]:
    return sorted(paths.GUEST.glob("*.c")) + sorted(paths.GUEST.glob("*.h"))


def swap_image(dest: Path, mb: int = 64) -> Path:
    """A fresh swap disk for one run: mkswap format (SWAPSPACE2), accepted by 2.4.17."""
    if shutil.which("mkswap") is None:
        raise GuestError("mkswap not found: apt-get install util-linux")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as f:
        f.truncate(mb << 20)
    proc = subprocess.run(["mkswap", str(dest)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise GuestError("mkswap failed: " + proc.stderr.strip()[:200])
    return dest


def build(out: Path | None = None) -> Path:
    """Build build/kernel/guest/initrd.img (ext2, /init + /dev nodes); return its path."""
    out = (out or paths.build_dir()) / "guest"
    out.mkdir(parents=True, exist_ok=True)
    initrd = out / "initrd.img"
    inputs = sources() + [paths.GUEST / "devtable.txt"]
    if initrd.is_file() and all(p.stat().st_mtime <= initrd.stat().st_mtime for p in inputs):
        return initrd
    for tool in (paths.CROSS_COMPILE + "gcc", "genext2fs"):
        if shutil.which(tool) is None:
            raise GuestError(f"{tool} not found: apt-get install gcc-i686-linux-gnu genext2fs")
    init = out / "init"
    proc = subprocess.run([paths.CROSS_COMPILE + "gcc", *GUEST_CFLAGS, "-o", str(init),
                           str(paths.GUEST / "init.c")], capture_output=True, text=True)
    if proc.returncode != 0:
        raise GuestError("guest/init.c does not compile: " +
                         (proc.stderr.strip().splitlines() or ["?"])[0])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        shutil.copy2(init, root / "init")
        proc = subprocess.run(["genext2fs", "-b", "1024", "-N", "64", "-d", str(root),
                               "-D", str(paths.GUEST / "devtable.txt"), "-U",
                               str(initrd) + ".tmp"], capture_output=True, text=True)
        if proc.returncode != 0:
            raise GuestError("genext2fs failed: " + proc.stderr.strip()[:200])
    Path(str(initrd) + ".tmp").rename(initrd)
    return initrd
