"""A QEMU starved on purpose gives no false verdict: the test stops its own
QEMU (SIGSTOP, through the Popen, by pid) for longer than the boot's
timeout, which without the starvation check is "hang: no exit after N s".
Bounded: one UP boot of the short cow workload, twice at most, STOP s each."""
from __future__ import annotations

import signal
import threading
import time
import unittest
from pathlib import Path

from runner.kernel import build, guest, paths, qemu, reaper

from .support import tools_or_skip, tree_or_skip

TIMEOUT = 8.0           # the boot's own timeout: cow on UP takes ~2.3 s
STOP = TIMEOUT + 2      # stopped past it, so the host's timeout fires meanwhile


class StoppedMidBootTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc", "genext2fs", qemu.QEMU)

    def test_a_qemu_stopped_mid_boot_is_retried_not_hung(self) -> None:
        b = build.build(self.tree, "up")
        initrd = guest.build()
        _, run_dir = paths.new_run_dir("test-starved")
        stopped: list[int] = []

        def starve() -> None:
            """Stop the first QEMU once its guest reports, STOP s; always resume it."""
            deadline = time.monotonic() + 60
            while not reaper.live() and time.monotonic() < deadline:
                time.sleep(0.01)
            if not reaper.live():
                return
            proc = reaper.live()[0]
            report = Path(run_dir) / "report-up.txt"
            while proc.poll() is None and time.monotonic() < deadline and \
                    (not report.exists() or report.stat().st_size == 0):
                time.sleep(0.02)
            if proc.poll() is not None:
                return
            # Popen.send_signal signals nothing once the QEMU has been waited for
            proc.send_signal(signal.SIGSTOP)
            stopped.append(proc.pid)
            try:
                time.sleep(STOP)
            finally:
                proc.send_signal(signal.SIGCONT)

        t = threading.Thread(target=starve)
        t.start()
        try:
            r = qemu.boot(b.bzimage, initrd, run_dir, "up", workloads=("cow",),
                          timeout=TIMEOUT)
        finally:
            t.join(STOP + 70)
        self.assertEqual(len(stopped), 1, "the QEMU was stopped mid-boot")
        self.assertEqual(reaper.live_pids(), [], "a QEMU outlived its boot")
        self.assertIsNotNone(r.retried, r.problems())
        self.assertTrue(r.retried.startswith("host starved: QEMU had "), r.retried)
        self.assertIn(f"hang: no exit after {TIMEOUT:.0f} s", r.retried)
        timing = [p for p in r.problems() if p.startswith(qemu.TIMING)]
        self.assertEqual(timing, [], "a false verdict reached the result")
        if not r.problems():               # the retry had the CPU: it passed
            self.assertEqual(r.tests().get("cow", (False,))[0], True, r.report)


if __name__ == "__main__":
    unittest.main()
