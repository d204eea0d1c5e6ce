"""runner.kernel.labsource: a lab.c has no preprocessor conditionals or #error,
however they are spelled; everything else a lab needs still passes."""
from __future__ import annotations

import tempfile
import unittest
from pathlib import Path

from runner.kernel import labsource
from runner.static_check import StaticCheckError
from tests.util import ROOT

HEAD = '#include "lab.h"\n\n'
BODY = "int lab_free_pages_ok_lru(struct page *page)\n{\n\treturn 0;\n}\n"


class NoConditionalsTest(unittest.TestCase):
    def check(self, text: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "lab.c"
            path.write_text(text)
            labsource.check_no_conditionals(path, "work/02-leave-on-lru/lab.c")

    def refused(self, text: str, line: int, name: str) -> str:
        with self.assertRaises(StaticCheckError) as cm:
            self.check(text)
        msg = str(cm.exception)
        self.assertNotIn("\n", msg)
        self.assertTrue(msg.startswith(f"work/02-leave-on-lru/lab.c:{line}: #{name}:"), msg)
        self.assertIn("remove it", msg)
        return msg

    def test_every_conditional_directive_is_refused(self) -> None:
        for name in ("if", "ifdef", "ifndef", "elif", "else", "endif", "error", "warning"):
            with self.subTest(directive=name):
                self.refused(HEAD + f"#{name} X\n" + BODY, 3, name)

    def test_blanks_and_comments_around_the_hash(self) -> None:
        self.refused(HEAD + "   #   ifdef __KERNEL__\n" + BODY, 3, "ifdef")
        self.refused(HEAD + "\t# /* a comment */ if 1\n" + BODY, 3, "if")

    def test_digraph_and_trigraph_spellings(self) -> None:
        self.refused(HEAD + "%:ifdef CONFIG_SMP\n" + BODY, 3, "ifdef")
        self.refused(HEAD + "??=if 1\n" + BODY, 3, "if")
        self.refused(HEAD + "%: error no\n" + BODY, 3, "error")

    def test_line_continuations(self) -> None:
        self.refused(HEAD + "#\\\nif 1\n" + BODY, 3, "if")
        self.refused(HEAD + "#if\\\ndef X\n" + BODY, 3, "ifdef")
        self.refused(HEAD + "# ??/\nendif\n" + BODY, 3, "endif")
        self.refused(HEAD + "#\\  \nelse\n" + BODY, 3, "else")   # gcc: blanks after \

    def test_a_directive_hidden_after_a_comment_spanning_lines(self) -> None:
        self.refused(HEAD + "/* one\n two */ #if 1\n" + BODY, 4, "if")

    def test_what_a_lab_needs_passes(self) -> None:
        self.check(HEAD + "#define TWICE(x) ((x) + (x))\n" + BODY)
        self.check(HEAD + "/* #if in a comment */\n// #ifdef too\n" + BODY)
        self.check(HEAD + 'static const char *s = "#if in a string";\n' + BODY)
        self.check(HEAD + "static int x = 1 /* # */ ; \n" + BODY)

    def test_the_labs_own_files_pass(self) -> None:
        root = ROOT / "labs"
        files = sorted(root.glob("*/solution.c")) + sorted(root.glob("*/bad/*.c"))
        self.assertTrue(files)
        for f in files:
            with self.subTest(file=f.name):
                labsource.check_no_conditionals(f, f.name)


if __name__ == "__main__":
    unittest.main()
