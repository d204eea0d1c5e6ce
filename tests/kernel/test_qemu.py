"""runner.kernel.qemu: verdicts from the console and report, oops decoding, command line."""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from runner.kernel import qemu


def result(console: str = "", report: list[str] | None = None,
           timed_out: bool = False) -> qemu.BootResult:
    return qemu.BootResult("up", None if timed_out else 1, timed_out, 3.0, 1.0, console,
                           report if report is not None else ["LRULAB guest 1", "done 0"])


class VerdictTest(unittest.TestCase):
    def test_clean_run(self) -> None:
        r = result(report=["LRULAB guest 1", "cpus 1", "test cow pass ok", "done 0"])
        self.assertEqual(r.problems(), [])
        self.assertEqual(r.status, 0)
        self.assertEqual(r.tests(), {"cow": (True, "ok")})

    def test_kernel_bug_is_reported(self) -> None:
        r = result("kernel BUG at page_alloc.c:98!\ninvalid operand: 0000\n")
        self.assertIn("BUG: kernel BUG at page_alloc.c:98!", r.problems())

    def test_oops_and_panic(self) -> None:
        r = result("Unable to handle kernel NULL pointer dereference at virtual address 0\n"
                   "Oops: 0002\nKernel panic: Aiee, killing interrupt handler!\n")
        kinds = [p.split(":")[0] for p in r.problems()]
        self.assertEqual(sorted(kinds), ["oops", "oops", "panic"])

    def test_hang_and_missing_report(self) -> None:
        self.assertIn("hang", result(timed_out=True, report=[]).problems()[0])
        self.assertIn("no report", result(report=["LRULAB guest 1"]).problems()[0])

    def test_problems_come_in_console_order(self) -> None:
        r = result("LRULAB-CHECK: first\nkernel BUG at x.c:1!\nKernel panic: later\n",
                   report=[])
        self.assertEqual([p.split(":")[0] for p in r.problems()], ["lrulab", "BUG", "panic"])

    def test_watchdog_and_deadlock_lines_are_problems(self) -> None:
        r = result("LRULAB-WATCHDOG: cpu1 stuck 1500 ms in bh context\n"
                   "LRULAB-CPU: cpu0 running in process context\n"
                   "LRULAB-DEADLOCK: every cpu is stuck (2 of 2)\n", report=[])
        self.assertEqual(r.problems(), [
            "watchdog: LRULAB-WATCHDOG: cpu1 stuck 1500 ms in bh context",
            "deadlock: LRULAB-DEADLOCK: every cpu is stuck (2 of 2)"])

    def test_a_verdict_needs_no_missing_report_line(self) -> None:
        r = result("kernel BUG at page_alloc.c:83!\n", report=["LRULAB guest 1"])
        self.assertEqual(r.problems(), ["BUG: kernel BUG at page_alloc.c:83!"])

    def test_lost_pages_from_the_counters(self) -> None:
        r = result(report=["proc lrulab lru_lost 3", "done 0"])
        self.assertTrue(r.problems()[0].startswith("lru-lost: 3 pages in use"))

    def test_the_watchdog_exit_status(self) -> None:
        r = result()
        r.qemu_rc = qemu.WATCHDOG_EXIT
        self.assertTrue(r.watchdog_ended)

    def test_failed_workload_status(self) -> None:
        r = result(report=["test cow fail bad data", "done 1"])
        self.assertEqual(r.status, 1)
        self.assertEqual(r.tests()["cow"][0], False)


class DecodeTest(unittest.TestCase):
    MAP = ("c0100000 T _stext\nc0105540 T cpu_idle\nc0130000 T __free_pages_ok\n"
           "c0130400 t rmqueue\nc0194bec T __lrulab_text_lock\nc0198b30 T _etext\n"
           "c01b6000 T __init_begin\nc01c0bf0 T init_idle\nc01cf000 D __init_end\n"
           "c01df600 D pagemap_lru_lock\nc01df700 d other_lock\n")

    def decode(self, console: str) -> list[str]:
        with tempfile.TemporaryDirectory() as tmp:
            sm = Path(tmp) / "System.map"
            sm.write_text(self.MAP)
            return qemu.decode_oops(console, sm)

    def test_freed_init_memory_is_named_so(self) -> None:
        before = "EIP:    0010:[<c01c0bf8>]\n"
        after = "Freeing unused kernel memory: 100k freed\nEIP:    0010:[<c01c6000>]\n" \
                "Call Trace: [<c010554c>]\n"
        self.assertEqual(self.decode(before), ["c01c0bf8 init_idle+0x8"])
        self.assertEqual(self.decode(after), ["c01c6000 in freed init memory",
                                              "c010554c cpu_idle+0xc"])

    def test_spin_loops_and_locks(self) -> None:
        lines = self.decode("LRULAB-WATCHDOG: cpu0 stuck, eip [<c0195000>], spinning in "
                            "spin_lock at [<c0130010>] on lock c01df600 = pagemap_lru_lock\n"
                            "... on lock c01df708\n")
        self.assertEqual(lines, ["c0195000 in a spin loop (.text.lock)",
                                 "c0130010 __free_pages_ok+0x10",
                                 "lock c01df600 pagemap_lru_lock", "lock c01df708 other_lock+0x8"])

    def test_addresses_become_function_offsets(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            sm = Path(tmp) / "System.map"
            sm.write_text("c0100000 T _stext\nc0130000 T __free_pages_ok\n"
                          "c0130400 t rmqueue\nc0140000 D some_data\n")
            lines = qemu.decode_oops("EIP:    0010:[<c0130012>]\nCall Trace: [<c0130410>]\n", sm)
        self.assertEqual(lines, ["c0130012 __free_pages_ok+0x12", "c0130410 rmqueue+0x10"])


class CommandTest(unittest.TestCase):
    def test_smp_topology_and_exit_device(self) -> None:
        args = qemu.command(Path("bz"), Path("rd"), Path("c"), Path("r"), True, 32, "x", [])
        self.assertIn("2,sockets=2,cores=1,threads=1", args)
        self.assertIn(qemu.DEBUG_EXIT, args)
        self.assertIn("-no-reboot", args)
        self.assertEqual(args.count("-serial"), 2)


if __name__ == "__main__":
    unittest.main()
