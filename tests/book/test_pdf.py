"""The PDF, read back from the PDF itself (tests/book/pdfread.py): every figure of the
site is drawn on the page that carries its caption, the contents list page numbers that
are right, and wide code blocks (two-lane traces) keep each line on one line."""
import html
import re
import unittest

from runner.book.figures import svg_metrics
from tests.book.pdfread import Pdf
from tests.book.shared import SKIP, TOOLS, whole_book

# The PDF text block: A4 (21 cm) minus 2 cm margins = 17 cm = 481.9 pt wide; figure
# images are at most 22 cm = 623.6 pt high (print.css).  Body text is 10.5 pt.
TEXT_WIDTH_PT, FIGURE_MAX_HEIGHT_PT = 481.9, 623.6
MIN_FIGURE_TEXT_PT = 7.0
FIGURE_CAPTION = re.compile(r"Figure ((?:\d+|[A-Z]|L\d+)\.\d+)\.")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@unittest.skipIf(TOOLS, SKIP)
class PdfFromItself(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        res, out = whole_book()
        cls.out = out
        cls.pdf = Pdf((out / "book.pdf").read_bytes())
        cls.html = out / "html"

    def site_figures(self) -> dict[str, str]:
        """Figure number -> SVG file, for every image figure of the HTML site."""
        found = {}
        for page in self.html.glob("*.html"):
            for m in re.finditer(r'<figure>.*?<img src="(figures/[^"]+\.svg)".*?'
                                 r'<figcaption[^>]*>.*?Figure ((?:\d+|[A-Z]|L\d+)\.\d+)\.',
                                 page.read_text(encoding="utf-8"), re.S):
                found[m.group(2)] = m.group(1)
        return found

    def test_every_figure_is_drawn_on_its_page(self):
        figures = self.site_figures()
        self.assertGreaterEqual(len(figures), 6)
        drawn = {}
        for page in self.pdf.pages:
            for line in page.lines:
                m = FIGURE_CAPTION.match(line.text)
                if m:
                    drawn.setdefault(m.group(1), []).append(page)
        for number in figures:
            self.assertIn(number, drawn, f"no caption of Figure {number} in the PDF")
            page = drawn[number][0]
            # a Graphviz drawing is dozens of curves and lines; alt text is none
            self.assertGreaterEqual(page.curves + page.segments, 30,
                                    f"Figure {number}: page {page.number} has no drawing")
            self.assertEqual(len(drawn[number]), 1,
                             f"Figure {number}'s caption appears twice (alt text shown?)")

    def test_no_figure_shows_its_alt_text(self):
        for page in self.pdf.pages:
            captions = [l.text for l in page.lines if FIGURE_CAPTION.match(l.text)]
            self.assertEqual(len(captions), len(set(captions)), f"page {page.number}")

    def test_contents_have_the_right_page_numbers(self):
        toc = [p for p in self.pdf.pages[:6] if "Contents" in p.text.split("\n", 1)[0]]
        self.assertTrue(toc, "no Contents page")
        entries = 0
        for page in self.pdf.pages[toc[0].number - 1:toc[0].number + 4]:
            for line in page.lines:
                m = re.match(r"(\d+ |Appendix [A-Z] |Lab \d+ )(.+?)\.{3,}\s*(\d+)\s*$", line.text)
                if not m:
                    continue
                entries += 1
                title, number = m.group(2).strip(), int(m.group(3))
                target = self.pdf.pages[number - 1]
                self.assertIn(squash(title)[:30], squash(target.text), f"contents: {line.text!r}")
                before = self.pdf.pages[number - 2]
                if "Contents" in before.text or "....." in before.text:
                    continue
                self.assertNotIn(squash(title)[:30], squash(before.text),
                                 f"contents: {line.text!r} points one page late")
        self.assertGreaterEqual(entries, 10, "contents entries with page numbers")

    def test_wide_code_lines_stay_on_one_line(self):
        printed = (self.out / "print.html").read_text(encoding="utf-8")
        blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", printed, re.S)
        lines = [html.unescape(re.sub(r"<[^>]+>", "", l)) for b in blocks for l in b.split("\n")]
        wide = sorted({l.rstrip() for l in lines if len(l.rstrip().expandtabs(8)) > 95},
                      key=lambda l: len(l.expandtabs(8)))
        self.assertTrue(wide, "the book has no code line over 95 columns to check")
        pdf_lines = {squash(l.text) for p in self.pdf.pages for l in p.lines}
        for line in wide[-5:]:
            self.assertTrue(squash(line) in pdf_lines, f"wrapped in the PDF: {line!r}")

    def test_figure_text_is_legible_at_page_width(self):
        """The size rule, for print: an SVG is drawn at its natural size, shrunk to the
        text width or the maximum height; its smallest text must stay >= 7 pt."""
        for number, src in self.site_figures().items():
            m = svg_metrics((self.html / src).read_text(encoding="utf-8"))
            fit = min(1.0, TEXT_WIDTH_PT / m["width_pt"], FIGURE_MAX_HEIGHT_PT / m["height_pt"])
            pt = m["min_font"] * m["graph_scale"] * m["width_pt"] / m["viewbox_width"] * fit
            self.assertGreaterEqual(pt, MIN_FIGURE_TEXT_PT,
                                    f"Figure {number} ({src}): smallest text {pt:.1f} pt in the PDF")


if __name__ == "__main__":
    unittest.main()
