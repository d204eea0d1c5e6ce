"""./lab boot --gdb: QEMU waits for gdb-multiarch, which stops at a lab hook."""
import os
import re
import select
import signal
import subprocess
import sys
import time
import unittest
from pathlib import Path

from runner.debug import kernel as debug_kernel
from runner.kernel import labobj
from tests.kernel.support import tools_or_skip, tree_or_skip
from tests.util import ROOT
from tests.workflow.support import tool_or_skip

LAB = ROOT / "labs" / "03-do-wp-page" / "solution.c"


class GdbInit(unittest.TestCase):
    """What the .gdbinit says, without a boot."""

    def test_flags_come_from_the_tree(self) -> None:
        tree = tree_or_skip(self)
        flags = debug_kernel.page_flags(tree)
        self.assertEqual(flags[0], "locked")
        self.assertEqual(flags[6], "lru")
        self.assertEqual(flags[7], "active")

    def test_build_flags_reach_the_lab_compile_and_go_away(self) -> None:
        d = debug_kernel.KernelDebug("up")
        self.assertNotIn("-g", labobj.cflags("inc"))
        with d.build_flags():
            self.assertIn("-g", labobj.cflags("inc"))
        self.assertNotIn("-g", labobj.cflags("inc"))
        self.assertEqual(d.qemu_args()[:2], ["-S", "-gdb"])
        self.assertRegex(d.qemu_args()[2], r"^tcp:127\.0\.0\.1:\d+$")


class GdbSession(unittest.TestCase):
    """A scripted gdb-multiarch session against a real boot (needs the tree)."""

    def setUp(self) -> None:
        tree_or_skip(self)
        tools_or_skip(self, "i686-linux-gnu-gcc", "qemu-system-i386")
        tool_or_skip(self, "gdb-multiarch", "gdb-multiarch")
        self.boot = None

    def tearDown(self) -> None:
        # SIGTERM: the boot ends as on Ctrl-C and kills its QEMU (its own
        # session); SIGKILL would leave that QEMU waiting for gdb for ever
        if self.boot and self.boot.poll() is None:
            self.boot.terminate()
            try:
                self.boot.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.boot.pid, signal.SIGKILL)
                self.boot.wait()

    def test_sigterm_ends_a_waiting_qemu(self) -> None:
        """QEMU waits for gdb with no timeout: a boot told to stop must take it along."""
        self.boot = subprocess.Popen(
            [sys.executable, "-m", "runner.kernel", "boot", "--gdb", "--flavour", "up",
             "--workload", "cow"], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        out = self.wait_for_gdbinit()
        port = re.search(r"127\.0\.0\.1:(\d+)", out).group(1)
        # the instructions are printed just before QEMU starts
        self.assertTrue(self.qemu_becomes(port, True, 60), "QEMU waits for gdb")
        self.boot.terminate()
        self.boot.communicate(timeout=30)
        self.assertEqual(self.boot.returncode, 130)
        self.assertTrue(self.qemu_becomes(port, False, 5), "QEMU was killed with the boot")

    def qemu_becomes(self, port: str, live: bool, seconds: float) -> bool:
        """Whether a QEMU on port is (live) or is not there within seconds."""
        deadline = time.monotonic() + seconds
        while self.qemu_on(port) != live:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    @staticmethod
    def qemu_on(port: str) -> bool:
        """Is a live QEMU listening for gdb on this port?"""
        for d in Path("/proc").iterdir():
            try:
                args = (d / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if args and b"qemu-system" in args[0] and \
                    f"tcp:127.0.0.1:{port}".encode() in args:
                return True
        return False

    def wait_for_gdbinit(self) -> str:
        """The boot's output up to the line naming the .gdbinit."""
        out, deadline = b"", time.monotonic() + 300
        fd = self.boot.stdout.fileno()
        while time.monotonic() < deadline and self.boot.poll() is None:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if ready:
                out += os.read(fd, 65536)
                if re.search(rb"gdb-multiarch -q -x \S+\n", out):
                    return out.decode(errors="replace")
        self.fail(f"no gdb line from the boot:\n{out.decode(errors='replace')}")

    def test_stops_at_a_hook_and_reads_the_count(self) -> None:
        self.boot = subprocess.Popen(
            [sys.executable, "-m", "runner.kernel", "boot", "--gdb", "--flavour", "up",
             "--lab", str(LAB), "--workload", "cow", "--timeout", "600"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        out = self.wait_for_gdbinit()
        gdbinit = re.search(r"gdb-multiarch -q -x (\S+)", out).group(1)
        gdb = subprocess.run(
            ["gdb-multiarch", "-q", "-nx", "-batch", "-x", gdbinit,
             "-ex", "continue", "-ex", "lrulab-page",
             "-ex", "delete", "-ex", "hbreak *lab_do_wp_page_release_old",
             "-ex", "continue", "-ex", "lrulab-page",
             "-ex", "print old_page->count.counter", "-ex", "kill"],
            capture_output=True, text=True, timeout=300)
        text = gdb.stdout + gdb.stderr
        # __free_pages_ok's hook sees a page whose count reached 0 (hooks.def)
        self.assertRegex(text, r"Breakpoint \d+, 0x[0-9a-f]+ in lab_free_pages_ok_lru")
        self.assertRegex(text, r"page 0x[0-9a-f]+ \(mem_map\[\d+\]\): count 0, flags")
        # the student's own file has debug information: the argument by name
        m = re.search(r"lab_do_wp_page_release_old \(old_page=0x[0-9a-f]+\) at "
                      r"lrulab_lab\.c:\d+", text)
        self.assertTrue(m, text)
        after = text[m.end():]
        by_stack = re.search(r"page 0x[0-9a-f]+ \(mem_map\[\d+\]\): count (\d+), flags",
                             after)
        by_name = re.search(r"\$1 = (\d+)", after)
        self.assertTrue(by_stack and by_name, after)
        # read twice, from the stack and by the argument's name: the same count,
        # and do_wp_page still holds its reference and the pte's
        self.assertEqual(by_stack.group(1), by_name.group(1))
        self.assertGreaterEqual(int(by_name.group(1)), 2)
        self.boot.communicate(timeout=60)   # gdb killed the guest: QEMU is reaped


if __name__ == "__main__":
    unittest.main()
