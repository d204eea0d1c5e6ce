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

    def test_failed_workload_status(self) -> None:
        r = result(report=["test cow fail bad data", "done 1"])
        self.assertEqual(r.status, 1)
        self.assertEqual(r.tests()["cow"][0], False)


class DecodeTest(unittest.TestCase):
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
