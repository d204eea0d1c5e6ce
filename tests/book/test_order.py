"""The reading order (chapters/ORDER): labs come before the chapters that give their
answers away, in the sidebar, in previous/next and in the single document; a chapter
left out of ORDER is an error; a lab left out is a warning and goes before the
appendices; the real book keeps each lab before its answers."""
import pathlib
import shutil
import tempfile
import unittest

from runner.book import site
from runner.book.build import prepare, single_markdown
from runner.book.source import BookError

from tests.util import ROOT


def tree(order: str | None, chapters: list[str], labs: list[str]) -> pathlib.Path:
    d = pathlib.Path(tempfile.mkdtemp(prefix="book-order-"))
    (d / "chapters").mkdir()
    for name in chapters:
        (d / "chapters" / f"{name}.md").write_text(f"# Title of {name}\n\nText.\n", encoding="utf-8")
    if order is not None:
        (d / "chapters" / "ORDER").write_text(order, encoding="utf-8")
    for lab in labs:
        (d / "labs" / lab).mkdir(parents=True)
        (d / "labs" / lab / "README.md").write_text(f"# Lab {lab}\n\nDo it.\n", encoding="utf-8")
    return d


class Order(unittest.TestCase):
    CHAPTERS = ["00-intro", "01-one", "02-two", "A1-app"]

    def load(self, order, labs=("00-first", "01-second")):
        d = tree(order, self.CHAPTERS, list(labs))
        self.addCleanup(shutil.rmtree, d, True)
        return prepare(ROOT, d / "chapters", d / "labs")

    def test_a_lab_sits_where_order_puts_it_and_chapters_are_numbered_in_order(self):
        book, pages, _, warnings = self.load(
            "00-intro\n02-two\nlab 01-second\n01-one\nlab 00-first\nA1-app\n")
        self.assertEqual([p.key for p in pages],
                         ["intro", "two", "lab-01-second", "one", "lab-00-first", "app"])
        self.assertEqual([p.number for p in pages], ["", "1", "", "2", "", "A"])
        self.assertEqual(warnings, [])
        i = [p.key for p in pages].index("lab-01-second")
        nav = site.prevnext_html(pages, i)
        self.assertIn('rel="prev" href="two.html"', nav)
        self.assertIn('rel="next" href="one.html"', nav)
        toc = site.toc_html(pages, pages[0])
        self.assertLess(toc.index("lab-01-second.html"), toc.index('"one.html"'))
        single = single_markdown(book, pages)
        self.assertLess(single.index("# [Lab 01]"), single.index("Title of 01-one"))

    def test_a_chapter_missing_from_order_is_an_error(self):
        with self.assertRaises(BookError) as e:
            self.load("00-intro\n01-one\nA1-app\n")
        self.assertIn("02-two", str(e.exception))
        self.assertIn("ORDER", str(e.exception))

    def test_an_unknown_chapter_is_an_error(self):
        with self.assertRaises(BookError) as e:
            self.load("00-intro\n01-one\n02-two\n03-three\nA1-app\n")
        self.assertIn("ORDER:4", str(e.exception))

    def test_an_unlisted_lab_warns_and_goes_before_the_appendices(self):
        _, pages, _, warnings = self.load("00-intro\n01-one\nlab 00-first\n02-two\nA1-app\n")
        self.assertEqual([p.key for p in pages][-2:], ["lab-01-second", "app"])
        self.assertEqual(len(warnings), 1)
        self.assertIn("lab 01-second", warnings[0])

    def test_a_listed_lab_that_does_not_exist_is_skipped(self):
        _, pages, _, _ = self.load("00-intro\n01-one\nlab 05-later\n02-two\nA1-app\n", labs=())
        self.assertNotIn("lab-05-later", [p.key for p in pages])


class RealBook(unittest.TestCase):
    """Each lab comes before the chapter whose text gives its answers away."""

    def test_labs_come_before_their_answers(self):
        _, pages, _, warnings = prepare(ROOT)
        self.assertEqual(warnings, [])
        keys = [p.key for p in pages]
        answers = {"lab-00-orientation": ["the-oops", "race-0207"],
                   "lab-01-race-0207": ["race-0207"],
                   "lab-02-leave-on-lru": ["patch-0212"],
                   "lab-03-do-wp-page": ["patch-0212"],
                   "lab-04-swap-cache": ["patch-0212"],
                   # the barrier, smp_rmb in shrink_cache, is named in these two
                   "lab-05-barrier": ["memory-barriers", "aftermath"]}
        for lab, chapters in answers.items():
            if lab not in keys:
                continue
            for chapter in chapters:
                self.assertLess(keys.index(lab), keys.index(chapter), f"{lab} after {chapter}")

    def test_no_page_before_a_lab_shows_its_answer(self):
        # the code each lab asks for, which only a page after it may show
        answers = {"lab-02-leave-on-lru": "if (TryLockPage(page))",
                   "lab-03-do-wp-page": "page_count(old_page) == 1",
                   "lab-05-barrier": "smp_rmb"}
        _, pages, _, _ = prepare(ROOT)
        keys = [p.key for p in pages]
        for lab, answer in answers.items():
            if lab not in keys:
                continue
            for page in pages[:keys.index(lab)]:
                self.assertFalse(answer in page.text, f"{page.path} shows {lab}'s answer: {answer}")


if __name__ == "__main__":
    unittest.main()
