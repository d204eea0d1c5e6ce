"""Tests of the kernel stage (runner/kernel, kernel-tree-patches, guest)."""
