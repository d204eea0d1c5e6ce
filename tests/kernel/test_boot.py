"""Boot smoke test: build both kernels, boot each in QEMU, the guest reports back.

Needs a Linux 2.4.17 tree (KERNEL_SRC or `make kernel-src`), the cross compiler,
genext2fs and qemu-system-i386; skips loudly otherwise.  Builds are incremental
(build/kernel/tree-*), so only the first run pays for a full build.
"""
from __future__ import annotations

import unittest

from runner.kernel import build, guest, paths, qemu

from .support import tools_or_skip, tree_or_skip

BOOT_TIMEOUT = 180      # seconds; a normal boot + cow workload takes 1-5 s


class BootTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", "genext2fs", "mkswap", qemu.QEMU)

    def boot(self, flavour: str) -> qemu.BootResult:
        b = build.build(self.tree, flavour)
        initrd = guest.build()
        _, run_dir = paths.new_run_dir(f"test-boot-{flavour}")   # never an old run's logs
        return qemu.boot(b.bzimage, initrd, run_dir, flavour,
                         smp=flavour == "smp", workloads=("cow",), timeout=BOOT_TIMEOUT)

    def check(self, r: qemu.BootResult, cpus: int) -> None:
        tail = "\n".join(r.console.splitlines()[-15:])
        self.assertEqual(r.problems(), [], f"console tail:\n{tail}")
        self.assertEqual(r.report[0], "LRULAB guest 1")
        self.assertIn(f"cpus {cpus}", r.report)
        self.assertEqual(r.tests().get("cow"), (True, "children x pages x rounds intact"))
        self.assertEqual(r.status, 0)
        self.assertEqual(r.qemu_rc, 1, "isa-debug-exit with status 0 gives QEMU exit code 1")
        self.assertIn("Linux version 2.4.17", r.console)

    def test_up_boots_and_reports(self) -> None:
        self.check(self.boot("up"), cpus=1)

    def test_smp_boots_both_cpus_and_reports(self) -> None:
        self.check(self.boot("smp"), cpus=2)


if __name__ == "__main__":
    unittest.main()
