"""runner.kernel.labobj: the lab.c is compiled for the kernel in the sandbox,
with the kernel's flags and the model's C dialect, and bounded."""
from __future__ import annotations

import subprocess
import tempfile
import unittest
from pathlib import Path

from runner.kernel import build, labobj, paths
from tests.util import ROOT

from .support import tools_or_skip, tree_or_skip

C99 = b'#include "lab.h"\nint lab_free_pages_ok_lru(struct page *p)\n{\n' \
      b'\tint n = 0;\n\tfor (int i = 0; i < 2; i++)\n\t\tn += PageLRU(p);\n\treturn 0;\n}\n'


class LabObjectTest(unittest.TestCase):
    def setUp(self) -> None:
        tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc")
        self.trees = {}
        for f in paths.FLAVOURS:
            tree = paths.build_dir() / f"tree-{f}"
            if not (tree / "mm" / ".lrulab.o.flags").is_file():
                build.build(tree_or_skip(self), f)
            self.trees[f] = tree

    def compile(self, source: bytes, flavour: str = "up") -> None:
        with tempfile.TemporaryDirectory() as tmp:
            obj = labobj.compile_lab(source, self.trees[flavour], "work/02/lab.c", flavour,
                                     Path(tmp))
            self.assertEqual(obj.read_bytes()[:4], b"\x7fELF")

    def test_flags_are_makes_but_for_the_dialect(self) -> None:
        for f, tree in self.trees.items():
            with self.subTest(flavour=f):
                text = (tree / "mm" / ".lrulab.o.flags").read_text()
                make = text.split("ifeq (", 1)[1].split(",$(strip", 1)[0].split()
                ours = labobj.cflags(f"{tree}/include")
                self.assertEqual(ours[-1], "-std=gnu11")
                self.assertEqual(make, ours[:-1])

    def test_a_c99_for_loop_compiles_for_both_flavours(self) -> None:
        for f in self.trees:
            with self.subTest(flavour=f):
                self.compile(C99, f)

    def test_errors_name_the_students_file_and_flavour(self) -> None:
        with self.assertRaises(labobj.LabBuildError) as cm:
            self.compile(b'#include "lab.h"\nint x(void) { return y; }\n', "smp")
        msg = str(cm.exception)
        self.assertRegex(msg, r"^smp: work/02/lab\.c:2:\d+: error: .y. undeclared")
        self.assertNotIn("\n", msg)

    def test_the_project_is_not_visible_to_the_compile(self) -> None:
        with self.assertRaises(labobj.LabBuildError) as cm:
            self.compile(f'#include "lab.h"\n#include "{ROOT / "README.md"}"\n'.encode())
        self.assertIn("No such file", str(cm.exception))

    def test_bug_names_the_lab_file_as_the_kernel_sees_it(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            obj = labobj.compile_lab(b'#include "lab.h"\nvoid f(void) { BUG(); }\n',
                                     self.trees["up"], "x", "up", Path(tmp))
            data = obj.read_bytes()
        self.assertIn(b"lrulab_lab.c\0", data)
        self.assertNotIn(b"/sandbox", data)

    def test_the_headers_are_a_minimal_copy(self) -> None:
        root = labobj.bundle(self.trees["up"])
        names = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
        self.assertIn("mm/lab.h", names)
        self.assertIn("include/linux/mm.h", names)
        self.assertTrue(all(n.startswith(("include/", "mm/lab.h", "digest")) for n in names),
                        names[:5])
        self.assertLess(len(names), 400)
        self.assertFalse(any(n.endswith(".c") for n in names))

    def test_the_compile_is_bounded_in_time(self) -> None:
        # a preprocessor bomb: 2^30 expansions
        bomb = b'#include "lab.h"\n#define A0 1\n' + b"".join(
            b"#define A%d (A%d + A%d)\n" % (i, i - 1, i - 1) for i in range(1, 31)) + \
            b"int y = A30;\n"
        old = labobj.COMPILE_TIMEOUT
        labobj.COMPILE_TIMEOUT = 3.0
        try:
            with self.assertRaises(labobj.LabBuildError) as cm:
                self.compile(bomb)
        finally:
            labobj.COMPILE_TIMEOUT = old
        self.assertRegex(str(cm.exception), r"timed out|memory")

    def test_an_object_with_an_init_section_is_refused(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            src, obj = Path(tmp) / "x.c", Path(tmp) / "x.o"
            src.write_text('__attribute__((section(".initcall.init"))) int x = 1;\n')
            subprocess.run([paths.CROSS_COMPILE + "gcc", "-c", str(src), "-o", str(obj)],
                           check=True)
            with self.assertRaises(labobj.LabBuildError) as cm:
                labobj.check_sections(obj, "work/02/lab.c", "up")
        self.assertIn(".initcall.init", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
