"""runner.kernel.reaper: whatever ends a process, the QEMU it started is gone.

A stand-in for QEMU (sleep, in its own session as QEMU is) is started by a
child Python through reaper.spawn; the child is then sent SIGTERM, SIGINT
or SIGKILL, and the stand-in is looked for by pid (and start time).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unittest

from tests.util import ROOT

from .support import alive, children

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from runner.kernel import reaper
p = reaper.spawn(["sleep", "300"])
print(p.pid, flush=True)
try:
    time.sleep(120)
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(130)
"""


class ReaperTest(unittest.TestCase):
    def start(self) -> tuple[subprocess.Popen, int, str]:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        pid = int(proc.stdout.readline())
        found = [c for c in children(proc.pid, "sleep") if c[0] == pid]
        self.assertEqual(len(found), 1, "the stand-in runs, a child of the spawner")
        return proc, pid, found[0][1]

    def gone(self, pid: int, start: str) -> bool:
        for _ in range(100):                  # up to 5 s
            if not alive(pid, start):
                return True
            time.sleep(0.05)
        return False

    def finish(self, proc: subprocess.Popen) -> tuple[int, str]:
        _, err = proc.communicate(timeout=20)
        return proc.returncode, err

    def test_sigterm_kills_the_qemu_and_ends_as_sigterm(self) -> None:
        proc, pid, start = self.start()
        proc.send_signal(signal.SIGTERM)
        rc, err = self.finish(proc)
        self.assertTrue(self.gone(pid, start), "the stand-in survived SIGTERM")
        self.assertEqual(rc, -signal.SIGTERM)
        self.assertNotIn("Traceback", err)

    def test_sigint_kills_the_qemu_and_raises_keyboardinterrupt(self) -> None:
        proc, pid, start = self.start()
        proc.send_signal(signal.SIGINT)
        rc, err = self.finish(proc)
        self.assertTrue(self.gone(pid, start), "the stand-in survived SIGINT")
        self.assertEqual(rc, 130)
        self.assertIn("interrupted", err)
        self.assertNotIn("Traceback", err)

    def test_sigkill_of_the_parent_kills_the_qemu_too(self) -> None:
        proc, pid, start = self.start()
        proc.kill()
        self.finish(proc)
        self.assertTrue(self.gone(pid, start), "PR_SET_PDEATHSIG did not kill the stand-in")

    def test_reap_waits_for_it(self) -> None:
        from runner.kernel import reaper
        p = reaper.spawn(["sleep", "300"])
        self.assertIn(p.pid, reaper.live_pids())
        reaper.reap(p)
        self.assertIsNotNone(p.returncode)
        self.assertNotIn(p.pid, reaper.live_pids())
        self.assertFalse(os.path.exists(f"/proc/{p.pid}") and
                         open(f"/proc/{p.pid}/stat").read().split()[2] not in "ZX")


if __name__ == "__main__":
    unittest.main()
