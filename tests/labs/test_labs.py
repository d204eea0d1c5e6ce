"""The labs as a student and an instructor use them, through ./lab."""
import json
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

from tests.util import BUILD, ROOT

HERE = Path(__file__).resolve().parent
from runner.labs import all_labs

# the labs with code to write: the ones with a reference solution
CODE_LABS = [l.id for l in all_labs() if l.solution.exists()]
# the patch's three pieces; lab 05 (two barriers) has fewer ways to go wrong
PATCH_LABS = ["02-leave-on-lru", "03-do-wp-page", "04-swap-cache"]


def lab(*args: str, work: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if work:
        env["LRULAB_WORK"] = work
    return subprocess.run([str(ROOT / "lab"), *args], capture_output=True, text=True,
                          timeout=600, env=env)


class InstructorCheck(unittest.TestCase):
    def test_lab_check_passes(self) -> None:
        """References full marks; each bad variant fails its named test;
        skeletons compile and score 0 on code tests."""
        out = lab("selftest")
        self.assertEqual(out.returncode, 0, out.stdout[-4000:])
        self.assertIn("lab selftest: all good", out.stdout)
        bad = sum(len(list((ROOT / "labs" / l / "bad").glob("*.c"))) for l in CODE_LABS)
        good = sum(len(list((ROOT / "labs" / l / "good").glob("*.c"))) for l in CODE_LABS)
        self.assertEqual(out.stdout.count(" rejected by "), bad)
        self.assertEqual(out.stdout.count(" keeps full marks"), good)
        for l in CODE_LABS:
            least_bad, least_good = (25, 5) if l in PATCH_LABS else (8, 2)
            self.assertGreaterEqual(len(list((ROOT / "labs" / l / "bad").glob("*.c"))),
                                    least_bad, l)
            self.assertGreaterEqual(len(list((ROOT / "labs" / l / "good").glob("*.c"))),
                                    least_good, l)

    def test_list(self) -> None:
        out = lab("list")
        self.assertEqual(out.returncode, 0)
        for l in ["00-orientation", "01-race-0207", *CODE_LABS]:
            self.assertIn(l, out.stdout)


class StudentFlow(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.work = self.tmp.name

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_skeleton_scores_zero_with_a_readable_report(self) -> None:
        self.assertEqual(lab("start", "03-do-wp-page", work=self.work).returncode, 0)
        out = lab("test", "03-do-wp-page", work=self.work)
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("static check: ok", out.stdout)
        self.assertIn("Score: 0/100", out.stdout)
        self.assertIn("FAIL cow-under-reclaim", out.stdout)
        self.assertIn("FAILURE [leak]", out.stdout)
        self.assertIn("minimized schedule:", out.stdout)
        self.assertIn("hint:", out.stdout)

    def test_feedback_fits_100_columns_and_cuts_nothing_silently(self) -> None:
        for lab_id, bad in (("04-swap-cache", "unlocked-del.c"), ("02-leave-on-lru", "flawed-0207.c"),
                            ("03-do-wp-page", "release-then-del.c")):
            with self.subTest(bad=bad):
                out = lab("test", lab_id, "--file", str(ROOT / "labs" / lab_id / "bad" / bad),
                          work=self.work)
                wide = [l for l in out.stdout.splitlines() if len(l) > 100]
                self.assertEqual(wide, [])
                for part in ("FAILURE [", "minimized schedule", "hint:", "Score: "):
                    self.assertIn(part, out.stdout)
                if "earlier steps" in out.stdout:
                    saved = list((Path(self.work) / lab_id / "feedback").glob("trace-*.txt"))
                    self.assertTrue(saved)
                    self.assertIn("the whole trace:", out.stdout)

    def test_start_refuses_to_overwrite(self) -> None:
        self.assertEqual(lab("start", "02-leave-on-lru", work=self.work).returncode, 0)
        mine = Path(self.work) / "02-leave-on-lru" / "lab.c"
        mine.write_text(mine.read_text() + "\n/* my work */\n")
        again = lab("start", "02-leave-on-lru", work=self.work)
        self.assertEqual(again.returncode, 2)
        self.assertIn("not overwriting", again.stderr)
        self.assertIn("my work", mine.read_text())
        self.assertEqual(lab("start", "02-leave-on-lru", "--force",
                             work=self.work).returncode, 0)
        self.assertNotIn("my work", mine.read_text())

    def test_skeleton_has_no_solution(self) -> None:
        lab("start", "02-leave-on-lru", work=self.work)
        text = (Path(self.work) / "02-leave-on-lru" / "lab.c").read_text()
        self.assertIn("TODO 1", text)
        self.assertNotIn("SOLUTION", text)
        self.assertNotIn("__lru_cache_del", text)

    def test_question_labs_grade_answers(self) -> None:
        answers = Path(self.work) / "a.txt"
        answers.write_text("q1: 0*11 1\nq2: nonsense\nq3: 7\n")
        out = lab("test", "01-race-0207", "--answers", str(answers))
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("PASS q1 (schedule)", out.stdout)
        self.assertIn("FAIL q2 (schedule)", out.stdout)
        self.assertIn("not a schedule", out.stdout)
        self.assertIn("FAIL q3 (number)", out.stdout)
        self.assertIn("Score: 30/100", out.stdout)


class StaticCheck(unittest.TestCase):
    CASES = {
        "calls-system.c": "system",
        "calls-printf.c": "printf",
        "calls-exit.c": "exit",
        "calls-open.c": "open",
        "constructor.c": "attributes",
        "inline-asm.c": "inline asm",
        "other-include.c": "only #include \"lab.h\"",
        "writable-global.c": "global variable score",
        "extra-function.c": "model_page_count",
        "compile-error.c": "does not compile",
        "member-access.c": "struct member access",
        "pointer-arithmetic.c": "pointer arithmetic",
        "cast.c": "casts",
        "address-of.c": "taking an address",
        "no-hooks.c": "does not define lab_do_wp_page_release_old",
        "local-array.c": "arrays",
    }

    def test_each_is_rejected_with_a_one_line_reason(self) -> None:
        for name, needle in self.CASES.items():
            with self.subTest(file=name):
                out = lab("test", "03-do-wp-page", "--file", str(HERE / "rejected" / name))
                self.assertEqual(out.returncode, 2, out.stdout)
                self.assertIn("REJECTED", out.stdout)
                self.assertIn(needle, out.stderr)
                self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
                self.assertIn("Score: 0/100", out.stdout)

    def test_a_cached_build_never_skips_the_check(self) -> None:
        """A binary built while the rules were looser is not reused."""
        from runner import labs, static_check
        from runner.model import build
        lab_obj = labs.load("03-do-wp-page")
        path = HERE / "rejected" / "cast.c"
        strict = static_check.check_ast
        static_check.check_ast = lambda *a: None
        try:
            build.build_lab_binary(lab_obj, path, "cast.c")
        finally:
            static_check.check_ast = strict
        with self.assertRaises(static_check.StaticCheckError):
            build.build_lab_binary(lab_obj, path, "cast.c")

    def test_stack_overflow_is_an_oops(self) -> None:
        """The lab's own code runs out of call stack: a failure, scores 0."""
        out = lab("test", "03-do-wp-page", "--file", str(HERE / "deep-recursion.c"))
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("FAILURE [oops]", out.stdout)
        self.assertIn("call stack exhausted", out.stdout)
        self.assertIn("Score: 0/100", out.stdout)

    def test_only_the_models_json_result_passes(self) -> None:
        """A run that exits 0 and prints text (or a JSON result about another
        run) gains nothing: only lrusim's own result for this test passes."""
        from runner import labs
        from runner.model import stage as model_stage
        test = labs.load("03-do-wp-page").tests[0]
        forged = {"schema": "lrulab.lrusim.result", "version": 1, "variant": "student",
                  "scenario": test.scenario, "instance": 0, "memory": "sc", "failure": None,
                  "counters": {},
                  "strategies": [{"strategy": "dfs:0"}]}
        import json
        with tempfile.TemporaryDirectory() as tmp:
            for body, why in [("echo 'no failure found'; echo 'Score: 100/100'",
                               "no JSON result"),
                              (f"echo '{json.dumps(forged)}'", "lrusim ran")]:
                fake = Path(tmp) / "lrusim-lab"
                # lrusim --batch SECONDS RUNS OUT ERR STATUS: the fake keeps
                # to the protocol, and says what it likes in the run's result
                fake.write_text(f"#!/bin/sh\n{{ {body}; }} > \"$4\"\n: > \"$5\"\necho 0 > \"$6\"\n")
                fake.chmod(0o755)
                result, = model_stage.run_tests(fake, [test])
                self.assertEqual(result.score, 0, result.output)
                self.assertIn(why, result.output)

    def test_unknown_lab_is_bad_input(self) -> None:
        out = lab("test", "99-nope")
        self.assertEqual(out.returncode, 2)
        self.assertIn("no lab '99-nope'", out.stderr)

    def test_missing_file_is_bad_input(self) -> None:
        out = lab("test", "03-do-wp-page", "--file", "/nonexistent/lab.c")
        self.assertEqual(out.returncode, 2)
        self.assertIn("no such file", out.stderr)


class PredefinedNames(unittest.TestCase):
    """The compilers' predefined macros, kept in build/ for the compilers that made them."""
    def setUp(self) -> None:
        from runner import static_check
        self.sc = static_check
        self.cache = static_check.BUILD / "predefined-names.json"
        self.saved = self.cache.read_bytes() if self.cache.exists() else None
        self.addCleanup(self.restore)

    def restore(self) -> None:
        self.sc._predefined.clear()
        if self.saved is None:
            self.cache.unlink(missing_ok=True)
        else:
            self.cache.write_bytes(self.saved)

    def fresh(self) -> set[str]:
        self.sc._predefined.clear()
        return set(self.sc.predefined_names())

    def test_the_kept_names_are_the_compilers_and_are_used(self) -> None:
        self.cache.unlink(missing_ok=True)
        asked = self.fresh()
        self.assertIn("__clang__", asked)
        self.assertIn("__wasm32__", asked)
        kept = json.loads(self.cache.read_text())
        self.assertEqual(set(kept["names"]), asked)
        kept["names"].append("LRULAB_KEPT_MARK")
        self.cache.write_text(json.dumps(kept))
        self.assertIn("LRULAB_KEPT_MARK", self.fresh())

    def test_names_kept_for_other_compilers_are_asked_again(self) -> None:
        self.fresh()
        kept = json.loads(self.cache.read_text())
        self.cache.write_text(json.dumps({"key": kept["key"][:1] + ["another compiler"],
                                          "names": ["LRULAB_STALE_MARK"]}))
        names = self.fresh()
        self.assertNotIn("LRULAB_STALE_MARK", names)
        self.assertIn("__clang__", names)


class LabModulePrelude(unittest.TestCase):
    def test_the_precompiled_prelude_is_valid_for_the_module_compile(self) -> None:
        """gcc silently ignores a precompiled header made with other flags
        (every build would be slower, none wrong): build-lab.sh's own flags
        must find build/lab/prelude.h.gch usable."""
        script = (ROOT / "model" / "lab" / "build-lab.sh").read_text()
        flags = re.search(r'^module_flags="([^"]*)"', script, re.M).group(1).split()
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "module.c"
            src.write_text("int lrulab_prelude_probe;\n")
            proc = subprocess.run(["gcc", *flags, "-include", str(BUILD / "lab" / "prelude.h"),
                                   f"-I{ROOT / 'model' / 'lab'}", "-H", "-fsyntax-only",
                                   str(src)], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr[-1000:])
        self.assertIn(f"! {BUILD / 'lab' / 'prelude.h.gch'}", proc.stderr.splitlines())


class AstPlugin(unittest.TestCase):
    def test_the_plugin_dumps_what_ast_dump_json_does(self) -> None:
        """The static check reads the AST the build's ast-json plugin writes:
        it must be clang's own -ast-dump=json tree (ids are addresses)."""
        script = (ROOT / "model" / "lab" / "build-lab.sh").read_text()
        flags = re.search(r'^lab_flags="([^"]*)"', script, re.M).group(1)
        flags = flags.replace("$inc", str(ROOT / "model" / "include")).split()
        src = ROOT / "labs" / "03-do-wp-page" / "solution.c"
        ids = re.compile(r'"0x[0-9a-f]+"')
        with tempfile.TemporaryDirectory() as tmp:
            plugin, plain = Path(tmp) / "plugin.json", Path(tmp) / "plain.json"
            subprocess.run(["clang", *flags, "-O2", "-c", str(src), "-o", f"{tmp}/lab.o",
                            f"-fplugin={BUILD / 'lab' / 'ast-json.so'}", "-Xclang",
                            "-add-plugin", "-Xclang", "lrulab-ast-json", "-Xclang",
                            "-plugin-arg-lrulab-ast-json", "-Xclang", str(plugin)],
                           check=True, capture_output=True)
            with open(plain, "w") as out:
                subprocess.run(["clang", *flags, "-O2", "-fsyntax-only", "-Xclang",
                                "-ast-dump=json", str(src)], check=True, stdout=out)
            self.assertTrue(Path(f"{tmp}/lab.o").stat().st_size > 0)
            self.assertGreater(len(plain.read_text()), 10000)
            self.assertEqual(ids.sub("ID", plugin.read_text()), ids.sub("ID", plain.read_text()))


if __name__ == "__main__":
    unittest.main()
