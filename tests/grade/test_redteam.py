"""The red team: every attack tried on the grader, with the verdict it must get.

Each test is one attack by a student who has read all of the source and wants
full marks without a solution, or to read what must stay secret: the lab.c
files are in tests/grade/redteam/ (their first comment says what they do),
the rest is made here.  Each docstring says what the attack did on the
release before the WebAssembly boundary (60716fc, checked by hand there) and
what stops it now.  An attack that still works is a test marked
expectedFailure, with a comment `# OPEN: ...` saying what is wrong; when the
grader is fixed, the test passes and the marker goes.

Every probe is bounded: no more than a few hundred processes or MiB, every
run under a timeout, processes looked for by pid or cgroup only.
"""
import contextlib
import csv
import fcntl
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import unicodedata
import unittest
import zipfile
from pathlib import Path
from unittest import mock

from runner import labs as labs_mod
from runner import static_check
from runner.model import build as model_build
from runner.model import lrusim, questions
from runner.model import stage as model_stage
from runner.skeleton import strip_markers
from tests.util import ROOT

HERE = Path(__file__).resolve().parent / "redteam"
L2, L3 = "02-leave-on-lru", "03-do-wp-page"
SOLUTION3 = ROOT / "labs" / L3 / "solution.c"
ANSWERS2 = ROOT / "labs" / L2 / "answers.txt"
# what must never reach a student: lines of the answer keys and of a reference
SECRETS = ["q1: 0*11 i0 0*2 1", "q1: 0*96 1*2 i1", "q1: 0*10 1*3 i1", "BEGIN SOLUTION",
           "page_count(old_page) == 1", "lab_page_count(old_page) == 1"]


def lab_cli(*args: str, timeout: int = 900, env: dict | None = None
            ) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "lab"), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})


def materialize(name: str, into: Path, **subs: str) -> Path:
    """tests/grade/redteam/NAME with @KEY@ replaced (@CR@ by a bare CR)."""
    text = (HERE / name).read_text()
    for key, value in {"CR": "\r", **subs}.items():
        text = text.replace(f"@{key}@", value)
    out = into / name
    out.write_bytes(text.encode())
    return out


@contextlib.contextmanager
def past_the_check(tmp: Path, rules: tuple[str, ...] = ("check_directives", "check_ast")):
    """Builds with these of the static check's rules off (into a cache of
    their own): a lab.c as if it had found a way past them."""
    saved = model_build.CACHE
    model_build.CACHE = tmp / ("past-" + "-".join(rules))
    try:
        with contextlib.ExitStack() as stack:
            for rule in rules:
                stack.enter_context(mock.patch.object(static_check, rule, lambda *a: None))
            yield
    finally:
        model_build.CACHE = saved


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


class ModelWorld(unittest.TestCase):
    """Attacks through the lab module, graded in-process as ./lab test does."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="lrulab-redteam-")
        cls.saved_cache = model_build.CACHE
        model_build.CACHE = Path(cls.tmp.name) / "labs"       # fresh builds only

    @classmethod
    def tearDownClass(cls) -> None:
        model_build.CACHE = cls.saved_cache
        cls.tmp.cleanup()

    def grade(self, name: str, lab: str = L3, **subs: str):
        """The LabReport of tests/grade/redteam/NAME; no answers."""
        path = materialize(name, Path(self.tmp.name), **subs) if subs or "@" in \
            (HERE / name).read_text() else HERE / name
        return model_stage.grade_lab(labs_mod.load(lab), path, None, f"{lab}/lab.c")

    def grade_past_the_check(self, name: str, lab: str = L3, **subs: str):
        """grade() first, which must reject NAME in one line; then NAME as
        if it had found a way past the static check: what the boundary alone
        does with it (the check teaches; the WebAssembly module holds)."""
        self.assert_rejected(self.grade(name, lab, **subs))
        with past_the_check(Path(self.tmp.name)):
            return self.grade(name, lab, **subs)

    def assert_rejected(self, report, *words: str) -> None:
        self.assertTrue(report.error, "graded, not rejected: " + self.summary(report))
        self.assertNotIn("\n", report.error.strip(), "a one-line reason")
        for w in words:
            self.assertIn(w, report.error)
        self.assertEqual(report.score, 0)

    def assert_scores(self, report, **at_most: int) -> None:
        got = {r.name.replace("-", "_"): r.score for r in report.results}
        for test, most in at_most.items():
            self.assertLessEqual(got[test], most, self.summary(report))

    @staticmethod
    def everything(report) -> str:
        """All a student is shown of the report (for what must not leak)."""
        return report.error + "".join(r.output for r in report.results) + \
            "".join(t for r in report.results for t in r.attachments.values())

    @staticmethod
    def summary(report) -> str:
        return f"{report.error or 'graded'}: " + ", ".join(
            f"{r.name} {r.score}/{r.max_score}" for r in report.results) + "\n" + \
            "".join(r.output for r in report.results)[:3000]

    # ---- the attacks that worked on 60716fc ------------------------------

    def test_weak_libc_symbols(self) -> None:
        """weak-libc-puts.c: `__attribute((weak))` puts/exit print the summary
        lines the runner parsed.  60716fc: forged 70/90 of the code marks (all
        but the counters test).  Now: clang's AST has the attribute (and the
        undeclared API): rejected."""
        self.assert_rejected(self.grade("weak-libc-puts.c"))

    def test_weak_libc_symbols_hidden_from_the_check(self) -> None:
        """weak-libc-hidden.c: the same calls, hidden from the static check
        (see test_predefined_macro_hides_code).  60716fc: rejected (its token
        scan saw __attribute__).  Now: the module has no libc to call; a weak
        undefined function is a trap, graded 0, and no printed line counts."""
        report = self.grade_past_the_check("weak-libc-hidden.c")
        self.assertEqual(report.score, 0, self.summary(report))
        self.assertIn("oops", "".join(r.output for r in report.results))

    def test_attribute_across_a_line_continuation(self) -> None:
        """attribute-continuation.c: `__attri\\` + `bute__((weak))`.  60716fc:
        forged 70 (its token scan read physical lines).  Now: rejected on
        clang's AST."""
        self.assert_rejected(self.grade("attribute-continuation.c"))

    def test_pragma_by_token_pasting_to_weaken_libc(self) -> None:
        """pragma-pasted.c: `_Pragma` pasted from `_Pra` and `gma`, `#pragma
        weak puts`.  60716fc: forged 70.  Now: rejected (it declares puts,
        which is not in the API; see the next test for the pragma itself)."""
        self.assert_rejected(self.grade("pragma-pasted.c"))

    def test_pragma_by_token_pasting_alone(self) -> None:
        """pragma-pasted-only.c: the reference solution plus a pasted `_Pragma`
        that silences a -Werror warning.  60716fc: accepted (90).  Then: still
        accepted (the check looked for the word _Pragma).  Now: rejected, no
        token pasting in a lab (a pragma is compile-time: no boundary at run
        time could undo it, so the check must see it)."""
        self.assert_rejected(self.grade("pragma-pasted-only.c"), "token pasting")

    def test_pragma_by_digraph(self) -> None:
        """pragma-digraph.c: `%:pragma weak puts`.  60716fc: forged 70 (it
        looked at lines starting with #).  Now: rejected by the directive
        check, which reads %: as #."""
        self.assert_rejected(self.grade("pragma-digraph.c"), "#pragma")

    def test_directives_after_a_bare_carriage_return(self) -> None:
        """bare-cr-directives.c: `#ifdef __wasm__` and `#pragma` after a bare
        CR.  60716fc: rejected (its #include rule tripped over the CR).  Then:
        graded 90/90, both worlds compiling different code.  Now: a bare CR
        ends a line, as in clang: rejected like the same directives on lines
        of their own."""
        self.assert_rejected(self.grade("bare-cr-directives.c"))

    def test_asm_across_a_line_continuation(self) -> None:
        """asm-continuation.c: `__as\\` + `m__` with write/exit system calls.
        60716fc: rejected (its AST check saw the asm statement).  Now:
        rejected (x86 asm does not even assemble for the module)."""
        self.assert_rejected(self.grade("asm-continuation.c"))

    def test_file_scope_asm(self) -> None:
        """asm-file-scope.c: the hook written in file-scope asm, nothing
        undefined for nm to see.  60716fc: forged 70.  Now: rejected (the
        module is WebAssembly; the AST also has FileScopeAsmDecl)."""
        self.assert_rejected(self.grade("asm-file-scope.c"))

    def test_include_solution_by_digraph(self) -> None:
        """include-solution-digraph.c: `%:include` of labs/03/solution.c
        through the model's include path.  60716fc: 90/90, the reference
        graded as mine.  Now: rejected by the directive check; the sandbox
        holds no labs/ anyway."""
        report = self.grade("include-solution-digraph.c")
        self.assert_rejected(report, "lab.h")
        self.assertEqual(leaked(self.everything(report)), [])

    def test_implicit_void_pointer(self) -> None:
        """implicit-void-pointer.c: `void *` to `int *` without a cast, to
        write page->count.  60716fc: it wrote the model's memory (35 points
        for a hook that calls no API).  Now: rejected on the AST."""
        self.assert_rejected(self.grade("implicit-void-pointer.c"), "pointer")

    def test_implicit_void_pointer_hidden_from_the_check(self) -> None:
        """implicit-void-pointer-hidden.c: the same writes, and to
        &pagemap_lru_lock, hidden from the check.  60716fc: the hidden part
        was not compiled (no -O2 there).  Now: a struct page * is a
        handle, not an address in the module's memory: the write traps, the
        lab's oops, 0."""
        report = self.grade_past_the_check("implicit-void-pointer-hidden.c")
        self.assertEqual(report.score, 0, self.summary(report))
        self.assertIn("memory access out of bounds", self.summary(report))

    def test_fatal_failure_on_a_checker_the_test_does_not_enable(self) -> None:
        """fatal-unchecked-checker.c (lab 02): a double free in every
        scenario.  60716fc: shrink-cache-locking and counts-nr-pages, which
        do not check double-free, passed (20/100): the fatal failure ended
        each run as a pass, before the quiescence checks.  Now: fatal
        checkers are always on: 0 everywhere."""
        report = self.grade("fatal-unchecked-checker.c", L2)
        self.assertEqual(report.score, 0, self.summary(report))

    def test_system_prints_the_answer_keys(self) -> None:
        """system-answers.c: weak system("head labs/*/answers.txt ...").
        60716fc: every answer key and the reference solution in the failing
        test's feedback.  Now: rejected; nothing secret in the output."""
        report = self.grade("system-answers.c", ROOT=str(ROOT))
        self.assert_rejected(report)
        self.assertEqual(leaked(self.everything(report)), [])

    def test_system_hidden_from_the_check(self) -> None:
        """system-answers-hidden.c: the same call hidden from the check.
        Now: no system() in the module (a trap): 0, nothing secret."""
        report = self.grade_past_the_check("system-answers-hidden.c", ROOT=str(ROOT))
        self.assertEqual(report.score, 0, self.summary(report))
        self.assertEqual(leaked(self.everything(report)), [])

    # ---- the static check: what the compiler saw --------------------------

    def test_predefined_macro_hides_code(self) -> None:
        """hidden-asm.c: the reference with an asm statement only the -O2
        compile sees.  60716fc: rejected (its token scan saw __asm__).  Then:
        graded 90/90 (the AST was dumped without -O2).  Now: rejected (no
        token pasting); past that rule, the AST of the -O2 compile has the
        asm statement: rejected again."""
        self.assert_rejected(self.grade("hidden-asm.c"), "token pasting")
        with past_the_check(Path(self.tmp.name), ("check_directives",)):
            self.assert_rejected(self.grade("hidden-asm.c"), "asm")

    def test_deeply_nested_expression(self) -> None:
        """deep-nesting.c: `- - - ... 1`, 600 deep.  60716fc and after: a
        RecursionError out of the grader.  Now: the AST is walked without
        recursion: graded (or rejected in one line), never an exception."""
        try:
            report = self.grade("deep-nesting.c")
        except RecursionError as e:
            self.fail(f"the grader crashed: RecursionError: {e}")
        self.assertTrue(report.error or report.results)

    def test_compile_time_bomb_is_stopped(self) -> None:
        """compile-time-bomb.c: 2^40 empty macro expansions.  60716fc:
        rejected (cc1 ran out of memory).  Now: the build is
        one sandboxed run, bounded in time (60 s; 5 s here) and memory: clang
        gives up (it crashes here) or is stopped: rejected, in bounded
        time."""
        saved = model_build.BUILD_TIMEOUT
        model_build.BUILD_TIMEOUT = 5
        try:
            start = time.monotonic()
            report = self.grade("compile-time-bomb.c")
        finally:
            model_build.BUILD_TIMEOUT = saved
        self.assertLess(time.monotonic() - start, 30)
        self.assert_rejected(report)

    # ---- the WebAssembly boundary -----------------------------------------

    def test_forged_handles(self) -> None:
        """forged-handle.c: struct page * made up from integers.  60716fc: the
        hidden code was not compiled at all (no -O2 there).  Now: every handle
        is checked: the lab's oops, 0."""
        report = self.grade_past_the_check("forged-handle.c")
        self.assertEqual(report.score, 0, self.summary(report))
        self.assertIn("not a struct page * the model gave the lab", self.summary(report))

    def test_traps_are_the_labs_oops(self) -> None:
        """traps.c: division by zero, a call through a null function pointer.
        60716fc: 0 (the model crashed).  Now: the lab's oops, 0."""
        report = self.grade("traps.c")
        self.assertEqual(report.score, 0, self.summary(report))
        self.assertIn("oops", self.summary(report))

    def test_endless_loop_is_stopped_within_seconds(self) -> None:
        """endless-loop.c: `for (;;);` in the hook.  60716fc: each test ran to
        its 60 s timeout.  Now: the watchdog's step-limit failure, a few
        seconds for the whole lab."""
        start = time.monotonic()
        report = self.grade("endless-loop.c")
        self.assertLess(time.monotonic() - start, 40)
        self.assertEqual(report.score, 0, self.summary(report))
        self.assertIn("step limit", self.summary(report))

    def test_runaway_recursion_with_big_frames(self) -> None:
        """big-frame-recursion.c: 600 live values per frame, unbounded
        recursion (plain C).  60716fc: 0.  Now: 0 (the host coroutine stack
        overflows into its guard page before the module's depth limit: "the
        model crashed"; see the report on stack-clash probes)."""
        report = self.grade("big-frame-recursion.c")
        self.assertEqual(report.score, 0, self.summary(report))

    def test_huge_static_data(self) -> None:
        """huge-static-data.c: 40 KB of statics.  60716fc: the hidden array
        was not compiled (no -O2 there).  Now: rejected, they do not fit in
        the module's memory."""
        self.assert_rejected(self.grade("huge-static-data.c"))
        with past_the_check(Path(self.tmp.name)):
            self.assert_rejected(self.grade("huge-static-data.c"), "does not fit")

    def test_no_bulk_memory_writes_around_the_glue(self) -> None:
        """bulk-memory.c: memory.fill by asm in a function compiled for bulk
        memory: a store to the statics no yield point sees, nor the reset.
        Before: built and run (wasm2c takes bulk memory).  Now: rejected by the
        check (asm, attribute); past it, the build refuses the module."""
        self.assert_rejected(self.grade("bulk-memory.c"))
        with past_the_check(Path(self.tmp.name)):
            self.assert_rejected(self.grade("bulk-memory.c"), "bulk-memory")

    def test_module_memory_is_its_own(self) -> None:
        """module-memory-smash.c: the hook overwrites all of its linear memory
        (the other contexts' stacks, the nr_pages slot, the lock token, the
        statics), then releases as 2.4.18-pre9 did.  60716fc: the hidden part
        was not compiled (70, plain release).  Now: nothing reaches the model:
        cow-frees-at-once still fails, as for plain-release.c."""
        report = self.grade_past_the_check("module-memory-smash.c")
        self.assert_scores(report, cow_frees_at_once=0)

    def test_module_stack_pointer_cannot_move_the_glues_writes(self) -> None:
        """glue-stack-pointer.c (lab 02), run on swapcache-munmap: asm that
        moves the module's __stack_pointer before the glue puts *nr_pages
        below it.  Before the fix: a 4-byte write anywhere in the 4 GiB above
        the module's memory (BUG at lab.c:43, a static nobody stores to had
        changed).  60716fc: rejected (its token scan saw __asm__; there was no
        glue).  Now: rejected by the check; past it, the glue checks the
        stack pointer is inside the context's stack: the lab's oops."""
        lab = labs_mod.load(L2)
        with self.assertRaises(model_build.StaticCheckError):
            model_build.build_lab_binary(lab, HERE / "glue-stack-pointer.c", "lab.c")
        with past_the_check(Path(self.tmp.name)):
            binary = model_build.build_lab_binary(lab, HERE / "glue-stack-pointer.c", "lab.c")
        out = lrusim.run(binary, "student", "swapcache-munmap", "dfs:2", "bug")
        message = out.failure.message if out.failure else "no failure"
        self.assertNotIn("in lab_shrink_cache_zero_count (lab.c:", message)
        self.assertIn("stack pointer", message)


class Seam(unittest.TestCase):
    """lrusim's JSON result, the only thing the runner believes (lrusim.parse)."""

    STRATEGIES = ["dfs:2"]

    def parse(self, stdout: str, returncode: int = 0) -> lrusim.Outcome:
        proc = subprocess.CompletedProcess([], returncode, stdout, "")
        return lrusim.parse(proc, "student", "cow-reclaim", self.STRATEGIES)

    def result(self, **over) -> str:
        data = {"schema": lrusim.SCHEMA, "version": lrusim.VERSION, "variant": "student",
                "scenario": "cow-reclaim", "instance": 0, "memory": "sc",
                "strategies": [{"strategy": "dfs:2", "schedules": 9}],
                "failure": None, "counters": {}}
        data.update(over)
        return json.dumps(data)

    def test_forged_results_are_no_pass(self) -> None:
        """What a hook printing on stdout (or lrusim of another run) could
        give: the old summary lines, a result of another scenario, variant
        or version, a search that did not run its strategies, a clean result
        with exit status 1, a result after other text.  Now: each is an
        error, never ok; the genuine result is ok.  60716fc: the summary
        lines were a pass (weak-libc-puts.c forged 70 with them)."""
        self.assertTrue(self.parse(self.result()).ok)
        forged = {
            "summary lines": "no failure found\nexplored: 1 schedules, 1 steps, 0.001 s\n",
            "another scenario": self.result(scenario="cow-shared"),
            "another variant": self.result(variant="fix-0212"),
            "another version": self.result(version=lrusim.VERSION + 1),
            "no strategies": self.result(strategies=[]),
            "after text": "no failure found\n" + self.result(),
            "two results": self.result() + "\n" + self.result(),
        }
        for what, stdout in forged.items():
            with self.subTest(what):
                out = self.parse(stdout)
                self.assertFalse(out.ok)
                self.assertTrue(out.error)
        self.assertFalse(self.parse(self.result(), returncode=1).ok)


class Fallback(unittest.TestCase):
    """LRULAB_SANDBOX=fallback: no bubblewrap, the run sees the machine's files."""

    def test_the_include_sees_nothing_in_bubblewrap(self) -> None:
        """fallback-include-crash.c under bubblewrap.  Now: the project is not
        in the sandbox: rejected (file not found), nothing secret.  60716fc:
        rejected by its #include rule."""
        with tempfile.TemporaryDirectory() as tmp:
            f = materialize("fallback-include-crash.c", Path(tmp),
                            SOLUTION=str(SOLUTION3))
            proc = lab_cli("test", L3, "--file", str(f))
        self.assertEqual(proc.returncode, 2, proc.stdout[-2000:])
        self.assertEqual(leaked(proc.stdout + proc.stderr), [])

    def test_solution_leaks_at_compile_time_in_the_fallback(self) -> None:
        """fallback-include-crash.c with LRULAB_SANDBOX=fallback.  60716fc:
        this file was rejected (its #include rule), but there a plain
        %:include of the solution compiled it outright (see
        include-solution-digraph.c).  Then: the feedback quoted
        `lab_page_count(old_page) == 1` from solution.c.  Now: the #include
        after a bare CR is a directive the check sees, and a compile error
        shows only lab.c's own lines: rejected, no line of the solution."""
        with tempfile.TemporaryDirectory() as tmp:
            f = materialize("fallback-include-crash.c", Path(tmp),
                            SOLUTION=str(SOLUTION3))
            proc = lab_cli("test", L3, "--file", str(f),
                           env={"LRULAB_SANDBOX": "fallback"})
        self.assertEqual(leaked(proc.stdout + proc.stderr), [], proc.stdout[-1500:])


class KernelWorld(unittest.TestCase):
    """The kernel stage of a class: the lab.c compiled into Linux 2.4.17.

    One batch, --stage kernel -j 1: mallory (kernel-asm-include.c), oscar
    (kernel-forge.c), then zoe (her own unfinished lab.c), in that order.
    """

    @classmethod
    def setUpClass(cls) -> None:
        from tests.kernel.support import tools_or_skip, tree_or_skip
        tree_or_skip(cls)
        tools_or_skip(cls, "i686-linux-gnu-gcc", "qemu-system-i386")
        cls.tmp = tempfile.TemporaryDirectory(prefix="lrulab-redteam-")
        sub, out = Path(cls.tmp.name) / "class", Path(cls.tmp.name) / "out"
        for who in ("mallory", "oscar", "zoe"):
            (sub / who / L3).mkdir(parents=True)
        materialize("kernel-asm-include.c", sub / "mallory" / L3,
                    ANSWERS=str(ANSWERS2),
                    OTHER=f"../../../../stage/zoe/{L3}/lab.c").rename(
                        sub / "mallory" / L3 / "lab.c")
        shutil.copyfile(HERE / "kernel-forge.c", sub / "oscar" / L3 / "lab.c")
        # zoe's private work in progress: it does not compile yet, so her own
        # grading takes a second, but it lies taken in while mallory is graded
        (sub / "zoe" / L3 / "lab.c").write_text(
            strip_markers(SOLUTION3.read_text()).replace(
                "Lab 03 reference", "ZOE-PRIVATE-WORK") + "unfinished(\n")
        cls.proc = lab_cli("grade", str(sub), "--out", str(out), "--labs", L3,
                           "--stage", "kernel", "-j", "1", timeout=1800)
        cls.results = {who: json.loads((out / "students" / who / "results.json")
                                       .read_text())
                       for who in ("mallory", "oscar", "zoe")
                       if (out / "students" / who / "results.json").exists()}

    @classmethod
    def tearDownClass(cls) -> None:
        if hasattr(cls, "tmp"):
            cls.tmp.cleanup()

    @classmethod
    def skipTest(cls, reason: str) -> None:        # tree_or_skip in setUpClass
        raise unittest.SkipTest(reason)

    def test_batch_completes(self) -> None:
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr[-2000:])
        self.assertEqual(set(self.results), {"mallory", "oscar", "zoe"})
        verdict = self.results["zoe"]["extra_data"]["lrulab"]["labs"][0]["verdict"]
        self.assertIn("does not compile", verdict)

    def test_kernel_build_reads_the_graders_files(self) -> None:
        """mallory's kernel-asm-include.c.  60716fc: the same leak (with the
        asm keyword pasted, its token scan saw __asm__), checked with
        ./lab test --stage kernel.  Then: the same, through an __i386__
        branch.  Now: no token pasting and no compiler-predefined names in a
        lab: rejected; the feedback holds no line of the answer key or of
        zoe's file."""
        text = json.dumps(self.results["mallory"])
        self.assertNotIn("ZOE-PRIVATE-WORK", text, "another student's file")
        self.assertNotIn("q1: 0*11 i0 0*2 1", text, "an answer key")

    def test_kernel_marks_without_a_solution(self) -> None:
        """oscar's kernel-forge.c: an empty hook, hidden from the kernel
        build.  60716fc and after: 20/20 (checked with ./lab test --stage
        kernel).  Now: rejected (it needs a predefined name to tell the
        worlds apart): 0 for kernel-up and kernel-smp."""
        oscar = {t["name"]: t["score"] for t in self.results["oscar"]["tests"]}
        self.assertEqual(oscar.get(f"{L3} / kernel-up", 0) +
                         oscar.get(f"{L3} / kernel-smp", 0), 0, oscar)


# ---- the batch grader: intake and outputs ----------------------------------

def honest_folder(root: Path, name: str) -> None:
    d = root / name / L3
    d.mkdir(parents=True)
    (d / "lab.c").write_text(strip_markers(SOLUTION3.read_text()))


def read_gradebook(out: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "gradebook.csv").read_text())))


def gnu_long_name_tgz(path: Path, length: int) -> None:
    """A .tar.gz of one member whose GNU long-name header holds LENGTH bytes,
    written a MiB at a time (the name is never held here)."""
    def block(info: tarfile.TarInfo) -> bytes:
        return info.tobuf(format=tarfile.GNU_FORMAT)
    link = tarfile.TarInfo("././@LongLink")
    link.type, link.size = tarfile.GNUTYPE_LONGNAME, length + 1
    member = tarfile.TarInfo("x")
    member.size = 1
    with gzip.open(path, "wb") as f:
        f.write(block(link))
        chunk = b"x" * (1 << 20)
        for _ in range(length >> 20):
            f.write(chunk)
        f.write(b"x" * (length & ((1 << 20) - 1)) + b"\0")
        f.write(bytes(-(length + 1) % 512))
        f.write(block(member) + b"x" + bytes(511) + bytes(1024))


class Intake(unittest.TestCase):
    """Submissions that must be per-student verdicts, never the batch's end."""

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="lrulab-redteam-")
        self.sub, self.out = Path(self.tmp.name) / "class", Path(self.tmp.name) / "out"
        self.sub.mkdir()

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def grade(self, timeout: int = 600) -> subprocess.CompletedProcess:
        return lab_cli("grade", str(self.sub), "--out", str(self.out), "--labs", L3,
                       "-j", "1", timeout=timeout)

    def assert_batch_completes(self, proc, honest: str = "zed") -> list[dict]:
        self.assertEqual(proc.returncode, 0, proc.stderr[-1500:])
        self.assertNotIn("Traceback", proc.stderr)
        rows = read_gradebook(self.out)
        self.assertIn(honest, [r["student"] for r in rows])
        return rows

    def test_encrypted_zip_member(self) -> None:
        """eve.zip holds 03-do-wp-page/lab.c, flagged encrypted.  60716fc and
        after: RuntimeError, the batch ends, nobody graded.  Now: eve not
        graded ("... is encrypted; hand it in without a password"), zed
        graded."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"{L3}/lab.c", SOLUTION3.read_bytes())
        data = bytearray(buf.getvalue())
        data[data.find(b"PK\x03\x04") + 6] |= 1        # local header: encrypted
        data[data.find(b"PK\x01\x02") + 8] |= 1        # central directory too
        (self.sub / "eve.zip").write_bytes(bytes(data))
        honest_folder(self.sub, "zed")
        rows = self.assert_batch_completes(self.grade())
        eve = next(r for r in rows if r["student"] == "eve")
        self.assertIn("not graded", eve["status"])

    def test_long_name_after_collision_suffix(self) -> None:
        """Folders "a"*255 and "A"*255 (the longest names the filesystem
        allows).  60716fc and after: OSError, the batch ends.  Now: keys are
        cut to 200 bytes before the collision suffix: all graded."""
        honest_folder(self.sub, "a" * 255)
        honest_folder(self.sub, "A" * 255)
        honest_folder(self.sub, "zed")
        self.assert_batch_completes(self.grade())

    def test_gnu_long_name_is_counted(self) -> None:
        """A .tar.gz whose first header is a GNU long name of 72 MiB.  60716fc
        and after: MemoryError under 512 MiB.  Now: long-name headers count
        towards the expansion and a name over 4096 characters is refused: not
        graded, in one line, within 512 MiB."""
        path = self.sub / "gnu.tar.gz"
        gnu_long_name_tgz(path, 72 << 20)
        code = textwrap.dedent(f"""
            import resource, sys
            resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))
            from pathlib import Path
            from runner.grade.submissions import Submission, take_in
            s = take_in(Submission("gnu", "gnu", Path({str(path)!r})),
                        Path({str(self.tmp.name)!r}) / "intake", [{L3!r}], {{{L3!r}}})
            print("ERROR:", s.error)
            print("NOTES:", sum(len(n) for n in s.notes))
        """)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              cwd=ROOT, timeout=300)
        self.assertIn("a member name of 75497472 characters (at most 4096); not graded",
                      proc.stdout, proc.stderr[-800:])

    def test_long_member_name_does_not_flood_the_outputs(self) -> None:
        """A .tar.gz with a 2 MiB member name and a lab.c.  60716fc and
        after: a 4 MiB results.json, a 2 MiB report.html.  Now: names over
        4096 bytes are refused, names shown are cut: graded, its results.json
        and report.html under 256 KiB."""
        path = self.sub / "longname.tar.gz"
        with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as tar:
            info = tarfile.TarInfo("n" * (2 << 20))
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
            data = SOLUTION3.read_bytes()
            info = tarfile.TarInfo(f"{L3}/lab.c")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        self.assertEqual(self.grade().returncode, 0)
        for name in ("results.json", "report.html"):
            size = (self.out / "students" / "longname" / name).stat().st_size
            self.assertLess(size, 256 << 10, name)

    def test_look_alike_names_are_told_apart(self) -> None:
        """Folders José (NFC) and José (NFD).  60716fc and after: two rows
        "José,90,90,graded".  Now: keys are NFC, the second José gets a
        suffix, and gradebook.csv has a key column: two rows a reader can
        tell apart."""
        nfc = unicodedata.normalize("NFC", "Jos\u00e9")
        nfd = unicodedata.normalize("NFD", "Jos\u00e9")
        honest_folder(self.sub, nfc)
        honest_folder(self.sub, nfd)
        self.assertEqual(self.grade().returncode, 0)
        rows = read_gradebook(self.out)
        shown = [unicodedata.normalize("NFC", r["student"]) + r.get("key", "")
                 for r in rows]
        self.assertEqual(len(set(shown)), 2, rows)

    def test_names_cannot_inject_into_outputs(self) -> None:
        """Students named like a formula and like HTML.  Now (as on 60716fc,
        same outputs.py): the CSV cell is quoted as text, the HTML escaped."""
        honest_folder(self.sub, "=HYPERLINK(\"http:__x\",\"100\")")
        honest_folder(self.sub, "<img src=x onerror=alert(1)>")
        self.assertEqual(self.grade().returncode, 0)
        for row in read_gradebook(self.out):
            self.assertFalse(row["student"].startswith(("=", "+", "-", "@")), row)
        page = (self.out / "report.html").read_text()
        self.assertNotIn("<img src=x", page)

    def test_two_grades_into_one_out(self) -> None:
        """A second ./lab grade into an --out a first is writing.  60716fc and
        after: both ran, each writing the gradebook from its own records.
        Now: the first holds a lock on OUT/.grading for as long as it runs
        (here a stand-in holds it, so the test does not race a real grade);
        the second exits 2 with one line naming the folder, and writes
        nothing; once the lock is free, grading works."""
        honest_folder(self.sub, "zed")
        self.out.mkdir()
        with open(self.out / ".grading", "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            second = self.grade()
        self.assertEqual(second.returncode, 2, second.stderr[-500:])
        self.assertIn(f"--out {self.out}: another ./lab grade is writing there",
                      second.stderr)
        self.assertEqual(second.stderr.strip().count("\n"), 0, second.stderr)
        self.assertFalse((self.out / "gradebook.csv").exists())
        self.assert_batch_completes(self.grade())

    def test_killing_the_grader_leaves_no_worker(self) -> None:
        """./lab grade -j 2 killed with SIGKILL while grading.  60716fc and
        after: its two workers stayed.  Now: each worker asks the kernel to
        kill it when the grader dies (PR_SET_PDEATHSIG): none of its
        processes left 10 s later (checked by pid)."""
        names = [f"orphan-probe-{c}" for c in "abcdef"]
        for s in names:
            honest_folder(self.sub, s)
        started = time.time()
        proc = subprocess.Popen([str(ROOT / "lab"), "grade", str(self.sub), "--out",
                                 str(self.out), "--labs", L3, "-j", "2"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen: set[int] = set()
        for _ in range(80):
            time.sleep(0.25)
            seen |= set(_descendants(proc.pid))
            if len(seen) >= 3:
                break
        proc.kill()
        proc.wait()
        time.sleep(10)
        alive = [p for p in seen if _alive(p)]
        for p in alive:         # ours: end them, by pid
            try:
                os.kill(p, 9)
            except OSError:
                pass
        # and the intake folder the killed grader could not remove (0700)
        for d in Path(tempfile.gettempdir()).glob("lrulab-grade-*"):
            try:
                mine = d.stat().st_mtime >= started - 1 and \
                    set(os.listdir(d / "stage")) <= set(names)
            except OSError:
                mine = False
            if mine:
                shutil.rmtree(d, ignore_errors=True)
        self.assertEqual(alive, [], "processes of the killed grader")


def _descendants(pid: int) -> list[int]:
    found = []
    for t in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(x) for x in t.read_text().split()]
        except OSError:
            continue
        for k in kids:
            found += [k, *_descendants(k)]
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False


class Outputs(unittest.TestCase):
    """Text a lab.c controls, on its way into the verdict, the log and the terminal."""

    def grade_text(self, source: bytes) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp) / "lab.c"
            f.write_bytes(source)
            report = model_stage.grade_lab(labs_mod.load(L3), f, None, f"{L3}/lab.c")
        return report.error + "".join(r.output for r in report.results)

    def test_escape_sequences_in_a_compile_error(self) -> None:
        """A static assertion whose message holds ESC [2J and a fake score.
        Now (and with gcc on 60716fc): the compiler quotes it escaped; no
        control character reaches the verdict."""
        text = self.grade_text(b'#include "lab.h"\n_Static_assert(0, "\x1b[2J\x1b[H'
                               b'Score: 100/100");\nvoid lab_do_wp_page_release_old('
                               b'struct page *p) { page_cache_release(p); }\n')
        self.assertNotIn("\x1b", text)

    def test_bidi_controls_in_a_compile_error(self) -> None:
        """An undeclared identifier holding U+202E.  60716fc: rejected by
        gcc's -Werror=bidi-chars, nothing raw.  Then: four raw U+202E in the
        verdict (a regression of the move to clang).  Now: invisible
        characters are rejected before the compile, and none is shown."""
        text = self.grade_text("#include \"lab.h\"\nvoid lab_do_wp_page_release_old("
                               "struct page *p) { x\u202ey(p); }\n".encode())
        self.assertEqual([c for c in text if unicodedata.category(c) == "Cf"], [])


class SandboxAnywhere(unittest.TestCase):
    """The sandbox's bounds wherever the checkout lives (a 0700 folder, as root)."""

    SPAWN = ("#include <stdio.h>\n#include <unistd.h>\n#include <signal.h>\n"
             "int main(void){int n=0;for(int i=0;i<300;i++){pid_t p=fork();"
             "if(p==0){pause();_exit(0);}if(p<0)break;n++;}"
             "printf(\"spawned %d uid %d\\n\",n,(int)getuid());fflush(stdout);"
             "kill(0,SIGKILL);return 0;}\n")

    def test_fork_bomb_from_a_0700_checkout(self) -> None:
        """A copy of runner/ in a 0700 folder (as the issue's mktemp -d or
        root's home), running a spawner that stops at 300 processes, in
        bubblewrap and in the fallback.  60716fc: 300 of 300, as uid 0 (the
        project unreadable to others, so runs kept root and no process
        limit).  Now: a cgroup and a fresh uid per run: at most 16, not
        root."""
        with tempfile.TemporaryDirectory(prefix="lrulab-0700-") as tmp:
            os.chmod(tmp, 0o700)
            proj = Path(tmp) / "checkout"
            shutil.copytree(ROOT / "runner", proj / "runner",
                            ignore=shutil.ignore_patterns("__pycache__"))
            src = proj / "spawn.c"
            src.write_text(self.SPAWN)
            subprocess.run(["gcc", "-O1", "-o", str(proj / "spawn"), str(src)], check=True)
            code = ("from pathlib import Path\nfrom runner import sandbox\n"
                    "p = Path('spawn').resolve()\n"
                    "r = sandbox.run_untrusted([str(p)], inputs=[p], timeout=20, "
                    "raise_on_timeout=False)\nprint(r.stdout)\n")
            for mode in ("auto", "fallback"):
                with self.subTest(mode=mode):
                    proc = subprocess.run([sys.executable, "-c", code], cwd=proj,
                                          capture_output=True, text=True, timeout=120,
                                          env={**os.environ, "LRULAB_SANDBOX": mode,
                                               "PYTHONPATH": str(proj)})
                    words = proc.stdout.split()
                    self.assertIn("spawned", words, proc.stderr[-800:])
                    n, uid = int(words[words.index("spawned") + 1]), int(words[-1])
                    self.assertLessEqual(n, 16)
                    if os.geteuid() == 0:
                        self.assertNotEqual(uid, 0)


class Questions(unittest.TestCase):
    """answers.txt: a schedule is replayed by the model, never believed."""

    def test_an_answer_cannot_carry_arguments(self) -> None:
        """A schedule answer with `--strategy dfs:2 --variant fix-0212` after
        a right one.  Now (as on 60716fc, same code): one argv for lrusim, a
        bad schedule token: 0; the right answer alone gets the points."""
        lab = labs_mod.load(L2)
        q = next(q for q in lab.questions if q.id == "q1")
        right = questions.grade_question(lab, q, "0*11 i0 0*2 1")
        self.assertEqual(right.score, q.points, right.output)
        forged = questions.grade_question(
            lab, q, "0*11 i0 0*2 1 --strategy dfs:2 --variant fix-0212")
        self.assertEqual(forged.score, 0, forged.output)


if __name__ == "__main__":
    unittest.main()
