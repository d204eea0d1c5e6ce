"""A headless Chromium opens the served site.

- Screenshots of the front page and of every figure, scrolled to it: none may be blank.
  With BOOK_SHOTS=DIR they are kept in DIR for a person to look at.
- The size rule, measured in the browser at a 1280 px wide window: every figure's
  smallest text, at the width the page really draws the image, is at least 10 px, and
  every figure links to its SVG (click to enlarge).
- Code blocks never clip: one wider than its box scrolls (overflow-x auto or scroll).
Skipped, with the reason, where Debian's chromium or the book tools are not installed."""
import functools
import html
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import threading
import unittest
import urllib.request
import zlib

from runner.book.figures import svg_metrics
from tests.book.shared import SKIP, TOOLS, whole_book

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
MIN_FIGURE_TEXT_PX = 10.0
CHROME = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--disable-dev-shm-usage", "--no-first-run"]

PROBE = """<!DOCTYPE html><html><body><pre id="out"></pre><script>
const pages = %s; const out = []; let i = 0;
function next() {
  if (i >= pages.length) { document.getElementById('out').textContent = JSON.stringify(out); return; }
  const f = document.createElement('iframe');
  f.style.width = '1280px'; f.style.height = '900px';
  f.onload = () => {
    const d = f.contentDocument, imgs = [...d.querySelectorAll('figure img')];
    Promise.all(imgs.map(im => im.complete ? 1 : new Promise(r => { im.onload = im.onerror = r; })))
    .then(() => {
      imgs.forEach(im => out.push({page: pages[i], kind: 'img', src: im.getAttribute('src'),
        width: im.getBoundingClientRect().width, id: im.id,
        top: im.getBoundingClientRect().top + f.contentWindow.scrollY,
        bottom: im.getBoundingClientRect().bottom + f.contentWindow.scrollY,
        link: im.parentElement.tagName === 'A' ? im.parentElement.getAttribute('href') : null}));
      d.querySelectorAll('pre').forEach(p => out.push({page: pages[i], kind: 'pre',
        overflow: d.defaultView.getComputedStyle(p).overflowX,
        scroll: p.scrollWidth, client: p.clientWidth,
        right: p.getBoundingClientRect().right, text: p.textContent.slice(0, 60)}));
      f.remove(); i++; next();
    });
  };
  f.src = pages[i]; document.body.appendChild(f);
}
next();
</script></body></html>"""


# A page shown in a 1280 x 1200 frame, scrolled so that a figure is in view: what a
# reader sees after following a link to it, sidebar included.
FRAME = """<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="%s"
style="border:0;width:1280px;height:1200px"></iframe><script>
document.getElementById('f').onload = function () { this.contentWindow.scrollTo(0, %d); };
</script></body></html>"""


def png_rows(data: bytes):
    """Decode an 8-bit RGB(A) PNG's filtered scanlines (enough to measure variety)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width = int.from_bytes(body[:4], "big")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    return width, zlib.decompress(idat)


@unittest.skipIf(BROWSER is None, "chromium not installed (apt-get install chromium)")
@unittest.skipIf(TOOLS, SKIP)
class InTheBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        _, out = whole_book()
        cls.site = out / "html"
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="book-shots-"))
        cls.keep = pathlib.Path(os.environ["BOOK_SHOTS"]) if os.environ.get("BOOK_SHOTS") else None
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(cls.site))
        handler.log_message = lambda *a: None
        cls.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=cls.httpd.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.httpd.server_address[1]}/"
        cls.figure_pages = sorted({p.name for p in cls.site.glob("*.html")
                                   if "<figure>" in p.read_text(encoding="utf-8")})
        cls.measured = cls.probe(sorted(p.name for p in cls.site.glob("*.html")))

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def probe(cls, pages: list[str]) -> list[dict]:
        """Measurements taken by a script in the browser, read back from the DOM."""
        name = "zz-probe.html"
        (cls.site / name).write_text(PROBE % json.dumps(pages), encoding="utf-8")
        try:
            r = subprocess.run([BROWSER, *CHROME, "--window-size=1400,1000",
                                "--virtual-time-budget=60000", "--dump-dom", cls.base + name],
                               capture_output=True, text=True, timeout=240)
        finally:
            (cls.site / name).unlink()
        m = re.search(r'<pre id="out">(.*?)</pre>', r.stdout, re.S)
        if not m or not m.group(1).strip():
            raise AssertionError(f"the probe page reported nothing: {r.stderr[-400:]}")
        return json.loads(html.unescape(m.group(1)))

    def shot(self, url: str, name: str, scroll: int | None = None) -> bytes:
        png = self.tmp / f"{name}.png"
        if scroll is not None:
            frame = f"zz-frame-{name}.html"
            (self.site / frame).write_text(FRAME % (url, scroll), encoding="utf-8")
            url = frame
        try:
            subprocess.run([BROWSER, *CHROME, "--window-size=1280,1200", "--virtual-time-budget=5000",
                            f"--screenshot={png}", self.base + url], capture_output=True, timeout=90)
        finally:
            if scroll is not None:
                (self.site / url).unlink()
        self.assertTrue(png.is_file(), f"no screenshot of {url}")
        if self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(png, self.keep / png.name)
        return png.read_bytes()

    def assert_not_blank(self, data: bytes, what: str):
        _, raw = png_rows(data)
        self.assertGreater(len(set(raw[::97])), 20, f"screenshot of {what} looks blank")

    def test_screenshots_of_the_front_page_and_every_figure(self):
        self.assert_not_blank(self.shot("index.html", "index"), "index.html")
        figures = [m for m in self.measured if m["kind"] == "img"]
        self.assertGreaterEqual(len(figures), 6)
        for m in figures:        # scrolled so that the figure and its caption are in view
            scroll = max(0, int(m["bottom"]) - 1000)
            self.assert_not_blank(self.shot(m["page"], f"{m['page'][:-5]}--{m['id']}", scroll),
                                  f"{m['page']} {m['id']}")

    def test_figures_are_served_and_link_to_their_svg(self):
        imgs = [m for m in self.measured if m["kind"] == "img"]
        self.assertGreaterEqual(len(imgs), 6)
        for m in imgs:
            self.assertEqual(m["link"], m["src"], f"{m['page']}: {m['src']} is not click-to-enlarge")
            svg = urllib.request.urlopen(self.base + m["src"])
            self.assertEqual(svg.status, 200)
            self.assertIn(b"<svg", svg.read()[:2000])

    def test_figure_text_is_at_least_10px_as_drawn(self):
        for m in (m for m in self.measured if m["kind"] == "img"):
            metrics = svg_metrics((self.site / m["src"]).read_text(encoding="utf-8"))
            px = metrics["min_font"] * metrics["graph_scale"] * m["width"] / metrics["viewbox_width"]
            self.assertGreaterEqual(px, MIN_FIGURE_TEXT_PX,
                                    f"{m['page']}: {m['src']} drawn {m['width']:.0f} px wide, "
                                    f"smallest text {px:.1f} px")

    def test_wide_code_blocks_scroll_instead_of_clipping(self):
        pres = [m for m in self.measured if m["kind"] == "pre"]
        self.assertGreater(len(pres), 10)
        wide = [m for m in pres if m["scroll"] > m["client"] + 1]
        self.assertTrue(wide, "no code block wider than its box: nothing was checked")
        for m in wide:
            self.assertIn(m["overflow"], ("auto", "scroll"),
                          f"{m['page']}: code block {m['text']!r} is clipped")
        for m in pres:
            self.assertLessEqual(m["right"], 1280, f"{m['page']}: {m['text']!r} runs off the page")


if __name__ == "__main__":
    unittest.main()
