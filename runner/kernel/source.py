"""Obtain the pristine Linux 2.4.17 tree and check it is the one the patches expect.

Sources, in order of preference: KERNEL_SRC=DIR (a tree), KERNEL_TARBALL=FILE,
else a download from the kernel.org archive.  The verified tree is copied into
the cache (paths.cached_tree()); Linux code never enters the repository.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from . import patches, paths

STAMP = ".lrulab-verified"


class SourceError(Exception):
    """The tree cannot be had or is not the pinned one; str() is a one-line reason."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def pinned(checksums: Path = paths.CHECKSUMS) -> dict[str, str]:
    """path -> sha256 from kernel-tree-patches/checksums.sha256 (sha256sum format)."""
    out = {}
    for line in checksums.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(None, 1)
            out[name.strip().lstrip("*")] = digest
    return out


def tree_version(tree: Path) -> str | None:
    try:
        text = (tree / "Makefile").read_text(encoding="latin-1")
    except OSError:
        return None
    fields = dict(re.findall(r"^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)[ \t]*=[ \t]*(\S*)", text, re.M))
    if not {"VERSION", "PATCHLEVEL", "SUBLEVEL"} <= fields.keys():
        return None
    return "{VERSION}.{PATCHLEVEL}.{SUBLEVEL}".format(**fields) + fields.get("EXTRAVERSION", "")


def verify(tree: Path, checksums: Path = paths.CHECKSUMS,
           patches_dir: Path = paths.PATCHES) -> None:
    """Raise SourceError naming the first file that is not as pinned.

    Checks the Makefile version, that every file the series touches is pinned
    (a repository consistency check), matches its pin, and that files the
    series creates do not exist yet.
    """
    if not (tree / "Makefile").is_file():
        raise SourceError(f"{tree} is not a kernel tree (no Makefile)")
    for leftover in (".config", "vmlinux", "System.map"):
        if (tree / leftover).exists():
            raise SourceError(f"{tree} is not pristine: it has {leftover} (configured or built); "
                              f"use a fresh {paths.TREE_NAME} tree")
    version = tree_version(tree)
    if version != paths.VERSION:
        raise SourceError(f"{tree} is Linux {version}, the patches need {paths.VERSION}")
    pins = pinned(checksums)
    for name, new in sorted(patches.all_touched(patches_dir).items()):
        if new:
            if (tree / name).exists():
                raise SourceError(f"{tree}: {name} exists but the patches create it")
            continue
        if name not in pins:
            raise SourceError(f"{name} is touched by the patches but not pinned in "
                              f"{checksums.name}")
    for name, digest in sorted(pins.items()):
        path = tree / name
        if not path.is_file():
            raise SourceError(f"{tree}: {name} is missing")
        if sha256(path) != digest:
            raise SourceError(f"{tree}: {name} differs from Linux {paths.VERSION} "
                              f"(sha256 mismatch); use a pristine {paths.TREE_NAME} tree")


def _single_top(root: Path) -> Path:
    entries = [p for p in root.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return root


def extract(tarball: Path, dest_parent: Path) -> Path:
    """Unpack a .tar.gz/.tar.bz2/.tar.xz into a fresh directory under dest_parent."""
    if not tarball.is_file():
        raise SourceError(f"KERNEL_TARBALL {tarball} is not a file")
    tmp = Path(tempfile.mkdtemp(prefix="unpack-", dir=dest_parent))
    try:
        with tarfile.open(tarball) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(tmp, filter="data")
            else:  # Python < 3.11.4: refuse members that escape the directory
                for m in tar.getmembers():
                    if m.name.startswith("/") or ".." in Path(m.name).parts:
                        raise SourceError(f"{tarball}: unsafe member {m.name}")
                tar.extractall(tmp)
    except (tarfile.TarError, OSError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SourceError(f"cannot unpack {tarball}: {e}") from None
    return _single_top(tmp)


def download(dest_dir: Path, urls: tuple[str, ...] = paths.URLS, timeout: float = 60) -> Path:
    """Fetch the release tarball into dest_dir; SourceError (one line) when offline."""
    errors = []
    for url in urls:
        target = dest_dir / url.rsplit("/", 1)[1]
        if target.is_file():
            return target
        part = target.with_suffix(target.suffix + ".part")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r, part.open("wb") as f:
                shutil.copyfileobj(r, f)
            part.rename(target)
            return target
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            part.unlink(missing_ok=True)
            errors.append(f"{url}: {getattr(e, 'reason', e)}")
    raise SourceError(f"cannot download {paths.TREE_NAME} ({'; '.join(errors)}); "
                      f"give KERNEL_TARBALL=FILE or KERNEL_SRC=DIR")


def install(kernel_src: str | None = None, kernel_tarball: str | None = None,
            log=print) -> Path:
    """Make the cache hold a verified pristine tree; return its path."""
    cache = paths.cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    dest = paths.cached_tree()
    if kernel_src:
        src = Path(kernel_src).resolve()
        verify(src)
        unpacked = None
    elif (dest / STAMP).is_file() and not kernel_tarball:
        verify(dest)
        log(f"kernel-src: {dest} already verified")
        return dest
    else:
        tarball = Path(kernel_tarball).resolve() if kernel_tarball else download(cache)
        log(f"kernel-src: unpacking {tarball}")
        src = extract(tarball, cache)
        unpacked = src
        try:
            verify(src)
        except SourceError:
            shutil.rmtree(_unpack_root(unpacked, cache), ignore_errors=True)
            raise
    tmp = cache / (paths.TREE_NAME + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    if unpacked is not None:
        unpacked.rename(tmp)
        shutil.rmtree(_unpack_root(unpacked, cache), ignore_errors=True)
    else:
        log(f"kernel-src: copying {src}")
        shutil.copytree(src, tmp, symlinks=True)
    (tmp / STAMP).write_text(f"Linux {paths.VERSION}, files touched by the patches verified\n")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    log(f"kernel-src: verified tree in {dest}")
    return dest


def _unpack_root(path: Path, cache: Path) -> Path:
    """The unpack-* directory under the cache that contains path."""
    while path.parent != cache:
        path = path.parent
    return path


def find(kernel_src: str | None = None) -> Path | None:
    """The tree to build from: KERNEL_SRC (verified) or the cached tree, else None."""
    if kernel_src:
        tree = Path(kernel_src).resolve()
        verify(tree)
        return tree
    dest = paths.cached_tree()
    if (dest / STAMP).is_file():
        return dest
    return None
