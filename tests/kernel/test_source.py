"""runner.kernel.source: the tree is verified file by file and refused, by name."""
from __future__ import annotations

import hashlib
import tarfile
import tempfile
import unittest
from pathlib import Path

from runner.kernel import paths, source


def fake_tree(root: Path, version: str = "2.4.17") -> Path:
    major, minor, sub = version.split(".")
    (root / "mm").mkdir(parents=True)
    (root / "Makefile").write_text(f"VERSION = {major}\nPATCHLEVEL = {minor}\n"
                                   f"SUBLEVEL = {sub}\nEXTRAVERSION =\n")
    (root / "mm/memory.c").write_text("memory\n")
    (root / "mm/vmscan.c").write_text("vmscan\n")
    return root


def fake_patches(root: Path, tree: Path) -> tuple[Path, Path]:
    """A one-patch series touching mm/memory.c and creating mm/new.c, and its pins."""
    pdir = root / "patches"
    pdir.mkdir()
    (pdir / "series").write_text("# comment\nbase/one.patch\n")
    (pdir / "base").mkdir()
    (pdir / "base/one.patch").write_text(
        "header text\n--- a/mm/memory.c\n+++ b/mm/memory.c\n@@ -1 +1 @@\n-memory\n+MEMORY\n"
        "--- /dev/null\n+++ b/mm/new.c\n@@ -0,0 +1 @@\n+new\n")
    sums = pdir / "checksums.sha256"
    sums.write_text("".join(
        f"{hashlib.sha256((tree / n).read_bytes()).hexdigest()}  {n}\n"
        for n in ("mm/memory.c", "mm/vmscan.c")))
    return pdir, sums


class VerifyTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.tree = fake_tree(self.root / "linux")
        self.pdir, self.sums = fake_patches(self.root, self.tree)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def verify(self, tree: Path | None = None) -> None:
        source.verify(tree or self.tree, self.sums, self.pdir)

    def test_pristine_tree_passes(self) -> None:
        self.verify()

    def test_changed_file_is_refused_by_name(self) -> None:
        (self.tree / "mm/vmscan.c").write_text("patched\n")
        with self.assertRaisesRegex(source.SourceError, r"mm/vmscan\.c differs"):
            self.verify()

    def test_missing_file_is_refused_by_name(self) -> None:
        (self.tree / "mm/memory.c").unlink()
        with self.assertRaisesRegex(source.SourceError, r"mm/memory\.c is missing"):
            self.verify()

    def test_file_the_patches_create_must_not_exist(self) -> None:
        (self.tree / "mm/new.c").write_text("x\n")
        with self.assertRaisesRegex(source.SourceError, r"mm/new\.c exists"):
            self.verify()

    def test_other_version_is_refused(self) -> None:
        other = fake_tree(self.root / "other", "2.4.18")
        with self.assertRaisesRegex(source.SourceError, r"2\.4\.18, the patches need 2\.4\.17"):
            self.verify(other)

    def test_a_built_tree_is_refused(self) -> None:
        (self.tree / ".config").write_text("CONFIG_X86=y\n")
        with self.assertRaisesRegex(source.SourceError, r"not pristine: it has \.config"):
            self.verify()

    def test_not_a_tree(self) -> None:
        with self.assertRaisesRegex(source.SourceError, "no Makefile"):
            self.verify(self.root)

    def test_unpinned_touched_file_is_a_repository_error(self) -> None:
        self.sums.write_text(self.sums.read_text().splitlines()[1] + "\n")
        with self.assertRaisesRegex(source.SourceError, "mm/memory.c is touched .* not pinned"):
            self.verify()

    def test_tarball_unpacks_to_the_tree(self) -> None:
        tarball = self.root / "linux-2.4.17.tar.gz"
        with tarfile.open(tarball, "w:gz") as tar:
            tar.add(self.tree, arcname="linux")
        unpacked = source.extract(tarball, self.root)
        self.assertEqual((unpacked / "mm/memory.c").read_text(), "memory\n")
        self.verify(unpacked)


class DownloadTest(unittest.TestCase):
    def test_offline_download_is_one_clear_line(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(source.SourceError) as cm:
                source.download(Path(tmp), ("http://127.0.0.1:9/linux-2.4.17.tar.gz",), timeout=5)
        msg = str(cm.exception)
        self.assertNotIn("\n", msg)
        self.assertIn("KERNEL_TARBALL=FILE or KERNEL_SRC=DIR", msg)
        self.assertFalse(list(Path(tmp).glob("*.part")) if Path(tmp).exists() else [])


class PathsTest(unittest.TestCase):
    def test_cache_is_outside_build(self) -> None:
        self.assertNotIn(paths.REPO / "build", paths.cache_dir().parents)

    def test_urls_are_the_kernel_org_archive(self) -> None:
        for url in paths.URLS:
            self.assertTrue(url.startswith("https://cdn.kernel.org/pub/linux/kernel/v2.4/"))


if __name__ == "__main__":
    unittest.main()
