"""The book's dialect on small temporary books: citations become numbered notes and an
unknown citation or reference form stops the build; headings and figures are numbered
once and everywhere the same way; the message numbers of the reply tree are those of
Appendix C; lab handouts link the chapters and labs they name."""
import pathlib
import re
import shutil
import tempfile
import unittest

from runner.book import messages
from runner.book.build import prepare
from runner.book.source import BookError

from tests.util import ROOT
HUGH = "Pine.LNX.4.21.0202121929230.1468-100000@localhost.localdomain"
ANDREW = "3C618863.DA7AC3B9@zip.com.au"


class Small(unittest.TestCase):
    def book(self, files: dict, labs: dict | None = None):
        d = pathlib.Path(tempfile.mkdtemp(prefix="book-src-"))
        self.addCleanup(shutil.rmtree, d, True)
        (d / "chapters").mkdir()
        for name, text in files.items():
            (d / "chapters" / name).write_text(text, encoding="utf-8")
        (d / "labs").mkdir()
        for lab, text in (labs or {}).items():
            (d / "labs" / lab).mkdir()
            (d / "labs" / lab / "README.md").write_text(text, encoding="utf-8")
        return prepare(ROOT, d / "chapters", d / "labs")

    def render(self, files, key, labs=None, single=False):
        book, pages, _, _ = self.book(files, labs)
        page = next(p for p in pages if p.key == key)
        return book.render(page, single=single)


class StrayForms(Small):
    def test_unknown_citation_form_fails_with_file_and_line(self):
        for bad in ("[@m:AvdV0209]", "[@AvdV0209]", "[-@msg]"):
            with self.subTest(bad=bad), self.assertRaises(BookError) as e:
                self.book({"01-t.md": f"# T\n\nText {bad}.\n"})
            self.assertIn("01-t.md:3", str(e.exception))
            self.assertIn("[@msg:MESSAGE-ID]", str(e.exception))

    def test_unknown_reference_kind_fails(self):
        with self.assertRaises(BookError) as e:
            self.book({"01-t.md": "# T\n\nSee @tbl:messages.\n"})
        self.assertIn("@tbl:", str(e.exception))

    def test_forms_inside_code_and_mail_addresses_are_left_alone(self):
        self.book({"01-t.md": "# T\n\n`[@m:x]` and akpm@zip.com.au wrote.\n\n```\n[@m:y]\n```\n"})


class Numbering(Small):
    def test_a_heading_may_not_carry_its_own_number(self):
        with self.assertRaises(BookError) as e:
            self.book({"01-t.md": "# T\n\n## 1. Presence on the LRU\n"})
        self.assertIn("01-t.md:3", str(e.exception))

    def test_front_page_and_lab_figures_have_numbers_not_slugs(self):
        files = {"00-intro.md": "# Intro\n\n![The timeline.](fig:timeline)\n",
                 "01-t.md": "# T\n\n![Locks.](fig:locks-contexts)\n\nSee @fig:timeline.\n"}
        md = self.render(files, "t")
        self.assertIn("[Figure 0.1](index.html#fig-timeline)", md)
        self.assertIn("**Figure 1.1.**", md)
        self.assertNotIn("intro.1", md)

    def test_reply_tree_numbers_are_appendix_c_numbers(self):
        table = messages.load(ROOT / "data" / "messages.tsv")
        numbers = messages.numbering(table)
        dot = messages.reply_tree_dot(table)
        labels = re.findall(r'"([^"]+)" \[label="(\d+) · ', dot)
        self.assertEqual(len(labels), 41)
        for mid, n in labels:
            self.assertEqual(int(n), numbers[mid], mid)
        self.assertEqual(numbers[HUGH], 33)   # 12 Feb, the 33rd message of the archive


class Notes(Small):
    FILES = {"01-t.md": f"# T\n\nOne [@msg:{HUGH}]. Two [@msg:{ANDREW}; @msg:{HUGH}].\n",
             "A1-messages.md": "# The messages\n\n{{message-index}}\n"}

    def test_citations_are_numbered_notes_with_backlinks(self):
        md = self.render(self.FILES, "t")
        self.assertIn("One [[1](#note-1)]{#cite-1-1 .noteref}.", md)
        self.assertIn("[[2](#note-2)]{#cite-2-1 .noteref}[,]{.noteref}[[1](#note-1)]{#cite-1-2 .noteref}", md)
        notes = md.split("**Notes**", 1)[1]
        self.assertEqual(notes.count(f"<{HUGH}>"), 1, "one note per message")
        self.assertIn("[↩](#cite-1-1){.noteback} [↩](#cite-1-2){.noteback}", notes)
        self.assertIn("(messages.html#msg-33)", notes)
        self.assertIn("Hugh Dickins, 12 Feb 2002 20:19 UTC", notes)
        self.assertNotIn(f"({HUGH}", md.split("**Notes**")[0], "no Message-ID inline")

    def test_single_document_notes_are_prefixed_per_page(self):
        md = self.render(self.FILES, "t", single=True)
        self.assertIn("(#t-note-1)", md)
        self.assertIn("{#t-cite-1-1 .noteref}", md)

    def test_appendix_c_has_gists_and_links_back(self):
        md = self.render(self.FILES, "messages")
        entry = next(l for l in md.split("\n") if l.startswith("[]{#msg-33}"))
        self.assertIn("Withdraws the in\\_interrupt() BUG", entry)
        nxt = md.split("[]{#msg-33}", 1)[1].split("\n")[1]
        self.assertIn("[Chapter 1, note 1](t.html#note-1)", nxt)
        self.assertNotIn("{#tbl", md)


class Handouts(Small):
    def test_chapter_paths_and_lab_numbers_become_links(self):
        files = {"01-race-0207.md": "# The race\n\nText.\n",
                 "ORDER": "01-race-0207\nlab 01-race-0207\nlab 02-next\n"}
        labs = {"01-race-0207": "# Find the race\n\nRead `chapters/05-race-0207.md`, then do lab 02.\n",
                "02-next": "# Next\n\nAfter lab 01.\n"}
        md = self.render(files, "lab-01-race-0207", labs)
        self.assertIn("[Chapter 1](race-0207.html)", md)
        self.assertIn("[Lab 02](lab-02-next.html)", md)
        self.assertNotIn("`chapters/", md)


class RealChapters(unittest.TestCase):
    def test_chapters_name_labs_by_link(self):
        # "lab 05" in a chapter's prose is plain text; @lab:05 is a link to the lab
        from runner.book.source import _lines_outside_code
        for path in sorted((ROOT / "chapters").glob("*.md")):
            text = path.read_text(encoding="utf-8")
            for n, line, code in _lines_outside_code(text):
                prose = re.sub(r"`[^`]*`", "", line)
                if not code and not line.startswith("#"):
                    m = re.search(r"\b[Ll]ab \d\d\b", prose)
                    self.assertIsNone(m, f"{path.name}:{n}: write @lab:NN, not {m and m.group(0)!r}")


MAX_DIFF_LINES = 20     # a hunk or two quoted where discussed, never a whole patch


def long_diffs(text: str) -> list[tuple[int, int]]:
    """(line, length) of each fenced diff block longer than MAX_DIFF_LINES."""
    found, start = [], None
    for i, line in enumerate(text.splitlines(), 1):
        if start is None and line.startswith("```diff"):
            start = i
        elif start is not None and line.startswith("```"):
            if i - start - 1 > MAX_DIFF_LINES:
                found.append((start, i - start - 1))
            start = None
    return found


class NoWholePatches(unittest.TestCase):
    def test_no_chapter_pastes_a_kernel_patch(self) -> None:
        """Linux code is never committed: the patches are cited by message and
        kept under kernel-tree-patches/, the chapters quote a few lines."""
        for chapter in sorted((ROOT / "chapters").glob("*.md")):
            with self.subTest(chapter=chapter.name):
                self.assertEqual(long_diffs(chapter.read_text()), [])

    def test_a_pasted_patch_is_found(self) -> None:
        patch = "```diff\n" + "+\tline\n" * (MAX_DIFF_LINES + 1) + "```\n"
        self.assertEqual(long_diffs("text\n" + patch), [(2, MAX_DIFF_LINES + 1)])
        self.assertEqual(long_diffs("```diff\n+ a\n-b\n```\n"), [])


if __name__ == "__main__":
    unittest.main()
