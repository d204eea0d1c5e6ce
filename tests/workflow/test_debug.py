"""./lab debug: a failing model schedule replayed under gdb, stopped in the hook."""
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner import labs
from runner.debug import model as debug_model
from tests.util import BUILD, ROOT
from tests.workflow.support import lab, tool_or_skip

LAB02 = ROOT / "labs" / "02-leave-on-lru"
LAB03 = ROOT / "labs" / "03-do-wp-page"


class StopAtStep(unittest.TestCase):
    """lrusim --stop-at: the breakpoint the debugger uses."""

    def test_bad_step_is_refused(self) -> None:
        for bad in ("0", "-3", "x"):
            proc = subprocess.run([str(BUILD / "lrusim"), "--variant", "fix-0212",
                                   "--scenario", "aio-munmap", "--stop-at", bad],
                                  capture_output=True, text=True)
            self.assertEqual(proc.returncode, 2, bad)
            self.assertIn("--stop-at", proc.stderr)

    def test_stop_keeps_the_run_found(self) -> None:
        """With --stop-at the failure is the replay itself, not minimized further."""
        sched = "0*24 i0 0*4 1*42 0*5"
        proc = subprocess.run([str(BUILD / "lrusim"), "--variant", "flawed-0207",
                               "--scenario", "aio-munmap", "--strategy", f"replay:{sched}",
                               "--stop-at", "3"], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn(f"minimized schedule: {sched}\n", proc.stdout)


class DebugSession(unittest.TestCase):
    def setUp(self) -> None:
        tool_or_skip(self, "gdb", "gdb")

    def debug(self, *args: str) -> subprocess.CompletedProcess:
        return lab("debug", *args, timeout=300)

    def test_stops_in_the_hook_and_reads_the_count(self) -> None:
        """Stopped just before a put_page_testzero the hook causes, gdb's count
        of old_page is the count the model's trace had before that step."""
        bad = LAB03 / "bad" / "double-release.c"
        session = debug_model.prepare(labs.load("03-do-wp-page"), bad, "double-release.c")
        ev = [e for e in session.trace if e["what"] == "put_page_testzero" and
              e["hook"] == "lab_do_wp_page_release_old"][-1]
        out = self.debug("03-do-wp-page", "--file", str(bad), "--step", str(ev["step"]),
                         "--batch", "--ex", "print old_page->count.counter",
                         "--ex", "lrulab-page old_page")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(f"stopping at step {ev['step']}:", out.stdout)
        self.assertRegex(out.stdout, r"in lab_do_wp_page_release_old \(old_page=.*"
                         r"double-release\.c:\d+")
        self.assertIn(f"$1 = {ev['before']}\n", out.stdout)
        self.assertIn(f"p{ev['page']} (mem_map[{ev['page']}]): count {ev['before']},",
                      out.stdout)
        self.assertRegex(out.stdout, r"holders: \d+ ptes?")

    def test_default_stop_is_the_last_step_of_the_lab_code(self) -> None:
        bad = LAB02 / "bad" / "flawed-0207.c"
        out = self.debug("02-leave-on-lru", "--file", str(bad), "--batch",
                         "--ex", "print page->count.counter", "--ex", "lrulab-page",
                         "--ex", "lrulab-pages")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        m = re.search(r"stopping at step (\d+): irq aio_complete: lab_free_pages_ok_lru "
                      r"PageLRU\(p(\d+)\)", out.stdout)
        self.assertTrue(m, out.stdout)
        self.assertIn(f"step {m.group(1)}: cpu0 hardirq aio_complete is about to do "
                      f"PageLRU(p{m.group(2)}) in lab_free_pages_ok_lru", out.stdout)
        self.assertIn("in lab_free_pages_ok_lru (page=", out.stdout)
        # __free_pages_ok calls the hook with page_count 0 (hooks.def)
        self.assertIn("$1 = 0\n", out.stdout)
        self.assertIn(f"p{m.group(2)} (mem_map[{m.group(2)}]): count 0,", out.stdout)
        self.assertRegex(out.stdout, r"\n2 pages in use of \d+\n")
        self.assertNotIn("static variables", out.stdout)

    def test_a_wasteful_pass_replays_its_counted_run(self) -> None:
        """No failure, but counters off: the run they were counted on is replayed
        (the test's own replay: strategy here)."""
        bad = LAB03 / "bad" / "active-only.c"
        test = next(t for t in labs.load("03-do-wp-page").tests
                    if t.name == "cow-frees-at-once")
        self.assertTrue(test.strategies[0].startswith("replay:"))
        out = self.debug("03-do-wp-page", "--file", str(bad), "--test", test.name,
                         "--batch", "--ex", "lrulab-page old_page")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(f"schedule {test.strategies[0][len('replay:'):]}\n", out.stdout)
        # the process-context release left its page on the LRU at count 0
        self.assertRegex(out.stdout, r"count 0, flags \S*lru\S*")
        self.assertIn("(called from lab_do_wp_page_release_old)", out.stdout)

    def test_static_variables_are_named(self) -> None:
        """Natively a static is no yield point: the session says so, and that the
        native replay differs from the graded one."""
        bad = LAB02 / "bad" / "static-counter.c"
        out = self.debug("02-leave-on-lru", "--file", str(bad), "--batch")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("has static variables: nr_left (line 17)", out.stdout)
        self.assertIn("note: the native replay is not the graded one: from step", out.stdout)

    def test_given_schedule(self) -> None:
        out = self.debug("02-leave-on-lru", "--file", str(LAB02 / "solution.c"),
                         "--test", "no-double-free", "--schedule", "0*5 1*3", "--step", "4",
                         "--batch", "--ex", "lrulab-step")
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("schedule 0*5 1*3\n", out.stdout)
        self.assertEqual(out.stdout.count("\nstep 4: cpu0 task unpin is about to"), 2,
                         out.stdout)

    def test_refusals(self) -> None:
        sol = str(LAB02 / "solution.c")
        cases = [
            (["02-leave-on-lru", "--file", sol], "passes, so there is no failing schedule"),
            (["02-leave-on-lru", "--file", sol, "--test", "nope"], "--test nope: "),
            (["02-leave-on-lru", "--file", sol, "--schedule", "0*5", "--step", "99999"],
             "--step 99999: the replay of test irq-free-safe has steps 1 to "),
            (["02-leave-on-lru", "--file", sol, "--schedule", "x7"], "bad schedule token"),
            (["02-leave-on-lru", "--file", "/nonexistent/lab.c"], "no such file"),
            (["01-race-0207"], "questions only"),
        ]
        for args, why in cases:
            out = self.debug(*args)
            self.assertEqual(out.returncode, 2, (args, out.stdout, out.stderr))
            self.assertIn(why, out.stderr, args)
            self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)


class Statics(unittest.TestCase):
    """statics() reads the AST the graded build wrote."""

    def ast(self, text: str) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "lab.c"
            src.write_text(text)
            return subprocess.run(
                ["clang", "--target=wasm32", "-ffreestanding", "-nostdinc",
                 f"-I{ROOT / 'model' / 'include'}", "-fsyntax-only", "-Xclang",
                 "-ast-dump=json", str(src)], capture_output=True, text=True,
                check=True).stdout

    def test_file_and_function_scope(self) -> None:
        text = ('#include "lab.h"\nstatic int a;\nint lab_free_pages_ok_lru(struct page *p)\n'
                '{\n\tstatic int b = 1;\n\tint c = 0;\n\treturn a + b + c;\n}\n')
        self.assertEqual(debug_model.statics(self.ast(text)), [("a", 2), ("b", 5)])

    def test_none(self) -> None:
        self.assertEqual(debug_model.statics(self.ast((LAB02 / "solution.c").read_text())),
                         [])


if __name__ == "__main__":
    unittest.main()
