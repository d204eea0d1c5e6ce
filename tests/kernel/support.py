"""Shared helpers: find a kernel tree or skip loudly, saying how to fix it."""
from __future__ import annotations

import os
import shutil
import unittest
from pathlib import Path

from runner.kernel import paths, source

FIX = ("fix: make kernel-src KERNEL_TARBALL=/path/to/linux-2.4.17.tar.bz2 "
       "(or KERNEL_SRC=/path/to/pristine/linux-2.4.17, or make kernel-src with network)")


def tree_or_skip(case: unittest.TestCase) -> Path:
    """The pristine 2.4.17 tree from KERNEL_SRC or the cache, else skip the test."""
    try:
        tree = source.find(os.environ.get("KERNEL_SRC") or None)
    except source.SourceError as e:
        case.fail(f"KERNEL_SRC is set but unusable: {e}")
    if tree is None:
        case.skipTest(f"SKIPPED: no Linux {paths.VERSION} tree (KERNEL_SRC unset, nothing in "
                      f"{paths.cached_tree()}); {FIX}")
    return tree


def tools_or_skip(case: unittest.TestCase, *tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        case.skipTest(f"SKIPPED: {', '.join(missing)} not installed; fix: apt-get install "
                      f"gcc-i686-linux-gnu binutils-i686-linux-gnu qemu-system-x86 genext2fs bc")
