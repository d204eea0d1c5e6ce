"""No code that runs after free_initmem() calls into the freed init sections
(the class of boot/14 and toolchain/13)."""
from __future__ import annotations

import subprocess
import tempfile
import unittest
from pathlib import Path

from runner.kernel import build, paths, sections

from .support import tools_or_skip, tree_or_skip


class ScannerTest(unittest.TestCase):
    def test_it_finds_a_call_into_text_init(self) -> None:
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc")
        with tempfile.TemporaryDirectory() as tmp:
            src, exe = Path(tmp) / "x.c", Path(tmp) / "x"
            src.write_text('__attribute__((section(".lrulab_init"), noinline)) int setup(void)\n'
                           '{ return 1; }\n'
                           'int cpu_idle(void) { return setup() + 1; }\n'
                           'int init(void) { return setup(); }\n'
                           'void _start(void) { cpu_idle(); init(); for (;;); }\n')
            subprocess.run([paths.CROSS_COMPILE + "gcc", "-O1", "-nostdlib", "-static",
                            "-fno-pie", "-no-pie", "-o", str(exe), str(src)], check=True)
            # the user-space linker would merge .text.init into .text
            self.assertEqual(sections.init_calls(exe, ".lrulab_init"),
                             {("cpu_idle", "setup"), ("init", "setup")})
            self.assertEqual(sections.late_init_calls(exe, ".lrulab_init"),
                             [("cpu_idle", "setup")])


class KernelTest(unittest.TestCase):
    def test_no_late_calls_into_freed_init_memory(self) -> None:
        tree = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", paths.CROSS_COMPILE + "objdump")
        for f in paths.FLAVOURS:
            with self.subTest(flavour=f):
                vmlinux = build.build(tree, f).tree / "vmlinux"
                calls = sections.init_calls(vmlinux)
                self.assertIn(("init", "mount_root"), calls, "the scan sees init's calls")
                self.assertEqual(sections.late_init_calls(vmlinux), [])


if __name__ == "__main__":
    unittest.main()
