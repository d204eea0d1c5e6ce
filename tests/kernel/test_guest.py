"""guest/: the init compiles freestanding, with no undefined symbols."""
from __future__ import annotations

import subprocess
import unittest

from runner.kernel import guest, paths

from .support import tools_or_skip


class GuestTest(unittest.TestCase):
    def test_init_is_static_and_self_contained(self) -> None:
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", "genext2fs")
        initrd = guest.build()
        self.assertGreater(initrd.stat().st_size, 0)
        init = initrd.parent / "init"
        nm = subprocess.run([paths.CROSS_COMPILE + "nm", "-u", str(init)],
                            capture_output=True, text=True)
        self.assertEqual(nm.stdout.strip(), "", "init must not need any library symbol")
        head = init.read_bytes()[:20]
        self.assertEqual(head[:4], b"\x7fELF")
        self.assertEqual(head[4], 1, "32-bit ELF")

    def test_devtable_has_the_report_port(self) -> None:
        text = (paths.GUEST / "devtable.txt").read_text()
        self.assertRegex(text, r"/dev/ttyS1\s+c\s+\d+\s+0\s+0\s+4\s+65")
        self.assertRegex(text, r"/dev/console\s+c\s+\d+\s+0\s+0\s+5\s+1")


if __name__ == "__main__":
    unittest.main()
