"""Citations and references are checked before anything is rendered: an unknown
Message-ID stops the build with one line naming the file and the fix."""
import pathlib
import subprocess
import sys
import tempfile
import unittest

from runner.book import messages
from runner.book.build import prepare
from runner.book.source import BookError

from tests.util import ROOT
KNOWN = "Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain"


def book_cli(*args):
    return subprocess.run([sys.executable, "-m", "runner.book", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


class MessageTable(unittest.TestCase):
    def test_every_row_is_well_formed(self):
        table = messages.load(ROOT / "data" / "messages.tsv")
        self.assertEqual(len(table), 48)
        thread = [m for m in table.values() if m.thread == "thread"]
        self.assertEqual(len(thread), 41)
        roots = [m for m in thread if not m.parent_id]
        self.assertEqual(len(roots), 1, "the thread has one root")
        for m in thread[1:]:
            self.assertIn(m.parent_id, table, f"{m.file}: parent not in the archive")

    def test_lore_link_encodes_the_message_id(self):
        self.assertEqual(messages.lore_url("000301c1add9$66bd3930$050010ac@FUTURE"),
                         "https://lore.kernel.org/all/000301c1add9%2466bd3930%24050010ac@FUTURE/")
        self.assertEqual(messages.lore_url(KNOWN), f"https://lore.kernel.org/all/{KNOWN}/")


class Citations(unittest.TestCase):
    def chapters(self, text: str) -> pathlib.Path:
        d = pathlib.Path(tempfile.mkdtemp(prefix="book-chapters-"))
        self.addCleanup(lambda: [p.unlink() for p in d.iterdir()] and d.rmdir())
        (d / "01-temp.md").write_text(text, encoding="utf-8")
        return d

    def test_the_real_chapters_pass(self):
        r = book_cli("check")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_known_citation_becomes_a_lore_link(self):
        d = self.chapters(f"# T\n\nText [@msg:{KNOWN}].\n")
        book, pages, _, _ = prepare(ROOT, d, d / "no-labs")
        md = book.render(pages[0], single=False)
        self.assertIn(f"(https://lore.kernel.org/all/{KNOWN}/)", md)
        self.assertIn("Hugh Dickins, 12 Feb 2002", md)

    def test_unknown_message_id_fails_the_build_with_one_line(self):
        d = self.chapters("# T\n\nSome claim [@msg:no-such-id@example.org].\n")
        r = book_cli("build", "--chapters", str(d), "--out", str(d / "out"))
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("01-temp.md:3", lines[0])
        self.assertIn("<no-such-id@example.org>", lines[0])
        self.assertIn("data/messages.tsv", lines[0])
        self.assertFalse((d / "out").exists(), "nothing is rendered")

    def test_citation_inside_code_is_left_alone(self):
        d = self.chapters("# T\n\n`[@msg:not-checked]`\n\n```\n[@msg:nor-this]\n```\n")
        prepare(ROOT, d, d / "no-labs")

    def test_dangling_reference_names_the_fix(self):
        d = self.chapters("# T\n\nSee @sec:nowhere.\n")
        with self.assertRaises(BookError) as e:
            prepare(ROOT, d, d / "no-labs")
        self.assertIn("01-temp.md:3", str(e.exception))
        self.assertIn("{#sec:nowhere}", str(e.exception))

    def test_missing_figure_source_is_an_error(self):
        d = self.chapters("# T\n\n![Caption](fig:no-such-figure)\n")
        with self.assertRaises(BookError) as e:
            prepare(ROOT, d, d / "no-labs")
        self.assertIn("figures/no-such-figure.dot", str(e.exception))


if __name__ == "__main__":
    unittest.main()
