"""The starvation decision (runner.kernel.hostcpu) and what qemu.boot does
with it: a timing verdict from a starved run is retried once, and reported
as "starved" if the retry is starved too; any other verdict stands."""
from __future__ import annotations

import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from runner.kernel import hostcpu, qemu

STUCK = ("LRULAB-WATCHDOG: cpu0 stuck 1630 ms in bh context (interrupts on), "
         "pid 8 init, eip [<c011c9ee>]\n")
CHECK = "LRULAB-CHECK: double free of page c1000000 (bh context)\n"
S = 1_000_000_000                      # ns


def samples(ran: float, waited: float, seconds: float = 4.0, stopped=(),
            vcpus: int = 2) -> hostcpu.Samples:
    """Points 0.1 s apart; each vCPU runs `ran` and waits `waited` of every
    wall second; the points whose index is in `stopped` saw QEMU stopped."""
    h = hostcpu.Samples(pid=0)
    for i in range(int(seconds * 10) + 1):
        at = i / 10
        h.points.append(hostcpu.Point(at, i in stopped,
                                      {t: int(ran * at * S) for t in range(vcpus)},
                                      {t: int(waited * at * S) for t in range(vcpus)}))
    return h


def result(console: str, host: hostcpu.Samples | None, timed_out: bool = False,
           seconds: float = 4.0) -> qemu.BootResult:
    return qemu.BootResult("smp", None if timed_out else qemu.WATCHDOG_EXIT, timed_out,
                           seconds, 1.0, console, ["done 0"] if not timed_out else [],
                           host=host, verdict_at=None if timed_out else seconds)


class LossTest(unittest.TestCase):
    def test_a_vcpu_that_waits_more_than_it_runs_is_starved(self) -> None:
        loss = samples(ran=0.2, waited=0.8).loss(4.0, 2.0)
        self.assertAlmostEqual(loss.had, 0.4, places=2)     # two vCPUs
        self.assertAlmostEqual(loss.ran, 0.2, places=2)
        self.assertTrue(hostcpu.starved(loss))

    def test_a_spinning_vcpu_that_gets_its_cpu_is_not_starved(self) -> None:
        loss = samples(ran=1.0, waited=0.05, vcpus=1).loss(4.0, 2.0)
        self.assertGreater(loss.ran, 0.9)
        self.assertFalse(hostcpu.starved(loss))

    def test_an_idle_vcpu_counts_for_neither(self) -> None:
        loss = samples(ran=0.0, waited=0.0).loss(4.0, 2.0)
        self.assertEqual(loss.ran, 1.0)
        self.assertFalse(hostcpu.starved(loss))

    def test_a_stopped_qemu_is_starved_though_nothing_waits(self) -> None:
        h = samples(ran=0.0, waited=0.0, stopped=range(20, 41))
        loss = h.loss(4.0, 2.0)
        self.assertTrue(hostcpu.starved(loss), loss)

    def test_the_last_points_of_an_exiting_qemu_have_no_vcpus(self) -> None:
        h = samples(ran=0.2, waited=0.8)
        h.points += [hostcpu.Point(4.05, False, {}, {}), hostcpu.Point(4.1, False, {}, {})]
        self.assertTrue(hostcpu.starved(h.loss(4.1, 2.0)), h.loss(4.1, 2.0))

    def test_the_window_is_what_the_verdict_judged(self) -> None:
        self.assertEqual(hostcpu.judged_window(STUCK + STUCK.replace("1630", "10000")), 10.0)
        self.assertEqual(hostcpu.judged_window("LRULAB-WATCHDOG: cpu1 stuck and does not "
                                               "answer an NMI\n"), hostcpu.DEFAULT_WINDOW)
        self.assertIsNone(samples(1.0, 0.0).loss(0.05, 2.0), "one point is no measure")

    def test_the_threshold(self) -> None:
        at = hostcpu.STARVED_RAN
        self.assertTrue(hostcpu.starved(hostcpu.Loss(2.0, at - 0.01, 1 - at + 0.01)))
        self.assertFalse(hostcpu.starved(hostcpu.Loss(2.0, at + 0.01, 1 - at - 0.01)))
        self.assertFalse(hostcpu.starved(None), "no samples: the verdict stands")


class VerdictTest(unittest.TestCase):
    def test_a_watchdog_verdict_from_a_starved_run_is_not_the_kernels(self) -> None:
        p = result(STUCK, samples(ran=0.1, waited=0.9)).problems()
        self.assertEqual(len(p), 1, p)
        self.assertTrue(p[0].startswith("starved: QEMU had 20% of a CPU; its vCPUs ran 10%"), p)
        self.assertIn("LRULAB-WATCHDOG: cpu0 stuck 1630 ms", p[0])

    def test_a_watchdog_verdict_from_a_run_that_had_the_cpu_stands(self) -> None:
        p = result(STUCK, samples(ran=1.0, waited=0.0)).problems()
        self.assertTrue(p[0].startswith("watchdog: LRULAB-WATCHDOG: cpu0 stuck"), p)
        p = result(STUCK, None).problems()
        self.assertTrue(p[0].startswith("watchdog: "), "no samples: it stands")

    def test_other_verdicts_stand_however_starved(self) -> None:
        p = result(CHECK, samples(ran=0.1, waited=0.9)).problems()
        self.assertEqual(p, ["lrulab: " + CHECK.strip()])
        p = result(CHECK + STUCK, samples(ran=0.1, waited=0.9)).problems()
        self.assertEqual(p[1], "lrulab: " + CHECK.strip(), "the check is kept")

    def test_the_starved_line_keeps_every_timing_verdict(self) -> None:
        dead = "LRULAB-DEADLOCK: every cpu is stuck (2 of 2), each spinning\n"
        p = result(STUCK + dead, samples(ran=0.1, waited=0.9)).problems()
        self.assertEqual(len(p), 1, p)
        self.assertIn("cpu0 stuck 1630 ms", p[0])
        self.assertIn("LRULAB-DEADLOCK: every cpu is stuck (2 of 2)", p[0])

    def test_a_cpu_spinning_on_a_lock_it_holds_is_a_deadlock_however_starved(self) -> None:
        dead = ("LRULAB-DEADLOCK: a cpu spins on pagemap_lru_lock, which it holds "
                "itself\n")
        p = result(STUCK + dead, samples(ran=0.1, waited=0.9)).problems()
        self.assertTrue(p[1].startswith("deadlock: "), p)

    def test_the_hooks_exact_deadlock_check_stands_however_starved(self) -> None:
        dead = ("LRULAB-DEADLOCK: cpu0 takes pagemap_lru_lock in process context at "
                "[<c013490a>], but this same context already holds it\n")
        r = result(dead, samples(ran=0.1, waited=0.9))
        self.assertTrue(r.problems()[0].startswith("deadlock: "), r.problems())
        self.assertIsNone(r.starved_verdict(), "not retried")

    def test_a_timeout_of_a_stopped_run_is_not_a_hang(self) -> None:
        r = result("", samples(0.0, 0.0, seconds=10, stopped=range(5, 101)), timed_out=True,
                   seconds=10.0)
        self.assertTrue(r.problems()[0].startswith("starved: "), r.problems())
        self.assertIn("hang: no exit after 10 s", r.problems()[0])


class RetryTest(unittest.TestCase):
    def boot(self, *runs: qemu.BootResult) -> tuple[qemu.BootResult, list[Path]]:
        dirs: list[Path] = []

        def fake(bz, initrd, out_dir, *rest):
            dirs.append(out_dir)
            return runs[len(dirs) - 1]
        with tempfile.TemporaryDirectory() as tmp, mock.patch.object(qemu, "_boot", fake):
            return qemu.boot(Path(os.devnull), Path(os.devnull), Path(tmp), "smp"), \
                [d.relative_to(tmp) for d in dirs]

    def test_a_starved_watchdog_verdict_boots_once_more(self) -> None:
        clean = result("", samples(1.0, 0.0))
        clean.qemu_rc = 1
        r, dirs = self.boot(result(STUCK, samples(0.1, 0.9)), clean)
        self.assertIs(r, clean)
        self.assertEqual(dirs, [Path("."), Path("retry-smp")])
        self.assertTrue(r.retried.startswith("host starved: QEMU had 20% of a CPU"), r.retried)
        self.assertIn("cpu0 stuck 1630 ms", r.retried)
        self.assertEqual(r.problems(), [])

    def test_starved_twice_is_starved_not_a_verdict(self) -> None:
        r, dirs = self.boot(result(STUCK, samples(0.1, 0.9)), result(STUCK, samples(0.1, 0.9)))
        self.assertEqual(len(dirs), 2, "once more, not more")
        self.assertTrue(r.problems()[0].startswith("starved: "))

    def test_a_verdict_from_a_run_that_had_the_cpu_is_not_retried(self) -> None:
        r, dirs = self.boot(result(STUCK, samples(1.0, 0.0)))
        self.assertEqual(dirs, [Path(".")])
        self.assertIsNone(r.retried)
        self.assertTrue(r.problems()[0].startswith("watchdog: "))


class ProberTest(unittest.TestCase):
    def test_no_nmi_is_queued_while_qemu_is_stopped(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            prober = qemu._Prober(Path(tmp) / "monitor")   # no QEMU listens there
            with mock.patch("socket.socket") as sock:
                sock.return_value.recv.return_value = b""      # the monitor closed
                prober.poke(10.0, stopped=True)
                sock.assert_not_called()
                self.assertEqual(prober.last, 0.0, "the next poke may send at once")
                prober.poke(10.0, stopped=False)
                sock.return_value.send.assert_called_once_with(b"nmi\n")


if __name__ == "__main__":
    unittest.main()
