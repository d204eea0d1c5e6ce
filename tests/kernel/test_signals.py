"""SIGTERM and SIGINT in the middle of a real boot: QEMU is gone (checked by
pid), the command ends as the signal says, and nobody sees a traceback."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unittest

from runner.kernel import paths, qemu
from tests.util import ROOT

from .support import alive, children, tools_or_skip, tree_or_skip


class MidBootSignalTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", "genext2fs", qemu.QEMU)

    def start(self, argv: list[str]) -> tuple[subprocess.Popen, int, str]:
        env = dict(os.environ, KERNEL_SRC=str(self.tree))
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300          # a build may come first
        while time.monotonic() < deadline and proc.poll() is None:
            found = children(proc.pid, "qemu-system")
            if found:
                time.sleep(1.0)                    # well inside the boot
                return proc, found[0][0], found[0][1]
            time.sleep(0.1)
        proc.kill()
        self.fail(f"no QEMU started by {argv}: {proc.communicate()[1][-500:]}")

    def stop(self, proc: subprocess.Popen, sig: int, qpid: int, start: str) -> tuple[int, str]:
        self.assertIsNone(proc.poll(), "the boot ended before the signal")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        for _ in range(100):
            if not alive(qpid, start):
                break
            time.sleep(0.05)
        self.assertFalse(alive(qpid, start), f"QEMU {qpid} still runs after signal {sig}")
        self.assertNotIn("Traceback", err)
        return proc.returncode, err

    BOOT = [sys.executable, "-m", "runner.kernel", "boot", "--smp", "--workload", "race"]

    def test_sigterm_mid_boot(self) -> None:
        proc, qpid, start = self.start(self.BOOT)
        rc, err = self.stop(proc, signal.SIGTERM, qpid, start)
        self.assertEqual(rc, -signal.SIGTERM)

    def test_sigint_mid_boot(self) -> None:
        proc, qpid, start = self.start(self.BOOT)
        rc, err = self.stop(proc, signal.SIGINT, qpid, start)
        self.assertEqual(rc, 130)
        self.assertIn("interrupted", err)

    def test_ctrl_c_in_lab_boot(self) -> None:
        proc, qpid, start = self.start([str(ROOT / "lab"), "boot", "--smp", "--workload",
                                        "race"])
        rc, err = self.stop(proc, signal.SIGINT, qpid, start)
        self.assertEqual(rc, 130)
        self.assertIn("interrupted", err)


if __name__ == "__main__":
    unittest.main()
