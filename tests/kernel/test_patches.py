"""kernel-tree-patches/: series layout, headers, pins, and (with a tree) clean application."""
from __future__ import annotations

import re
import shutil
import tempfile
import unittest
from pathlib import Path

from runner.kernel import patches, paths, source

from .support import tree_or_skip


class SeriesTest(unittest.TestCase):
    def test_every_listed_patch_exists(self) -> None:
        listed = patches.series()
        self.assertTrue(listed)
        for p in listed:
            self.assertTrue(p.is_file(), p)

    def test_every_patch_file_is_listed(self) -> None:
        listed = set(patches.series())
        on_disk = {p for p in paths.PATCHES.glob("*/*.patch") if p.parent.name != "reference"}
        self.assertEqual(on_disk - listed, set(), "patch files not in series")

    def test_base_comes_first(self) -> None:
        self.assertEqual(patches.series()[0].parent.name, "base")

    def test_each_patch_has_a_header(self) -> None:
        for p in patches.series():
            header = p.read_text(encoding="latin-1").split("\n--- ", 1)[0]
            self.assertGreater(len(header.split()), 30, f"{p.name}: header too short")
            if p.parent.name in ("toolchain", "boot"):
                self.assertIn("What breaks", header, p.name)
                self.assertIn("How found", header, p.name)

    def test_every_touched_file_is_pinned(self) -> None:
        pins = source.pinned()
        for name, new in patches.all_touched().items():
            if not new:
                self.assertIn(name, pins, f"{name}: touched but not in checksums.sha256")

    def test_lab_files_are_pinned(self) -> None:
        for name in paths.LAB_FILES:
            self.assertIn(name, source.pinned())

    def test_pins_are_sha256(self) -> None:
        for name, digest in source.pinned().items():
            self.assertRegex(digest, r"^[0-9a-f]{64}$", name)

    def test_configs_exist_for_each_flavour(self) -> None:
        for f in paths.FLAVOURS:
            text = (paths.CONFIGS / f"{f}.config").read_text()
            self.assertIn("CONFIG_BLK_DEV_INITRD=y", text)
            self.assertIn("CONFIG_SERIAL_CONSOLE=y", text)
            self.assertEqual("CONFIG_SMP=y" in text, f == "smp")


class NoLinuxCodeCommittedTest(unittest.TestCase):
    """Only patches: no Linux source file or build product among our paths."""

    OURS = ("kernel-tree-patches", "guest", "runner/kernel", "tests/kernel", "mk/kernel.mk",
            "docs/kernel.md")

    def files(self):
        for top in self.OURS:
            p = paths.REPO / top
            for f in ([p] if p.is_file() else p.rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts:
                    yield f

    def test_no_kernel_sources_or_images(self) -> None:
        for f in self.files():
            self.assertNotRegex(f.name, r"(bzImage|vmlinux|System\.map|\.o)$", f)
            if f.suffix in (".c", ".h", ".S"):
                self.assertEqual(f.parent, paths.GUEST, f"{f}: only guest/ has C")

    def test_no_private_paths(self) -> None:
        # Spelled in pieces so that this file does not match itself.
        bad = re.compile("|".join(["/var/tmp/" + r"k\b", r"\." + "mirror", r"\." + "library"]))
        for f in self.files():
            self.assertIsNone(bad.search(f.read_text(encoding="latin-1")), f)


class ApplyTest(unittest.TestCase):
    """With a tree: the series applies cleanly, in order, to the pinned files."""

    def test_series_applies_to_the_pinned_files(self) -> None:
        tree = tree_or_skip(self)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for name, new in patches.all_touched().items():
                if not new:
                    (root / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(tree / name, root / name)
            patches.apply(root)
            page_alloc = (root / "mm/page_alloc.c").read_text(encoding="latin-1")
            pagemap = (root / "include/linux/pagemap.h").read_text()
            self.assertTrue("if (lrulab_free_pages_ok(page))" in page_alloc,
                            "the harness hook is in __free_pages_ok")
            self.assertTrue("#define page_cache_release(x)\t__free_page(x)" in pagemap,
                            "page_cache_release is the __free_page macro (pre9)")

    def test_reference_fix_applies_instead_of_the_harness(self) -> None:
        tree = tree_or_skip(self)
        chosen = [p for p in patches.series() if p.parent.name != "harness"]
        chosen.append(paths.PATCHES / "reference" / "fix-0212.patch")
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for name in {t.path for p in chosen for t in patches.touched(p) if not t.new}:
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tree / name, root / name)
            patches.apply(root, only=chosen)
            vmscan = (root / "mm/vmscan.c").read_text(encoding="latin-1")
            self.assertTrue("if (PageLocked(page)) {" in vmscan, "shrink_cache hunk applied")


if __name__ == "__main__":
    unittest.main()


class HooksAgree(unittest.TestCase):
    """The harness patch declares, defaults and calls the hooks of hooks.def."""

    def test_the_harness_has_the_hooks_of_hooks_def(self) -> None:
        from runner.labs import hook_signatures
        hooks = hook_signatures()
        text = (paths.PATCHES / "harness" / "lrulab-hooks.patch").read_text()
        declared = {m[2]: (m[1], m[3]) for m in re.finditer(
            r"^\+(int|void) (lab_\w+)\(([^)]*)\);$", text, re.M)}
        weak = {m[2]: (m[1], m[3]) for m in re.finditer(
            r"^\+(int|void) __attribute__\(\(weak\)\) (lab_\w+)\(([^)]*)\)$", text, re.M)}
        self.assertEqual(declared, hooks, "include/linux/lrulab.h's declarations")
        self.assertEqual(weak, hooks, "the 12 Feb defaults")
        for name in hooks:
            calls = re.findall(rf"^\+.*\b{name}\(\w+(, \w+)*\)", text, re.M)
            self.assertTrue(calls, f"the harness never calls {name}")
