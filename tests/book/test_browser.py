"""A headless Chromium opens the served site (index and one chapter); the screenshots
must not be blank, and the chapter page must carry a figure that the server delivers.
Skipped, with the reason, where Debian's chromium or the book tools are not installed."""
import pathlib
import shutil
import subprocess
import tempfile
import threading
import unittest
import urllib.request
import zlib
import functools
import http.server

from runner.book.build import build

ROOT = pathlib.Path(__file__).resolve().parents[2]
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
TOOLS = [t for t in ("pandoc", "dot") if shutil.which(t) is None]


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
@unittest.skipIf(TOOLS, f"book tools missing: {' '.join(TOOLS)}")
class Screenshots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="book-shots-"))
        build(ROOT, cls.tmp / "out", formats=("html",))
        handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                    directory=str(cls.tmp / "out" / "html"))
        handler.log_message = lambda *a: None
        cls.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=cls.httpd.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.httpd.server_address[1]}/"

    @classmethod
    def tearDownClass(cls):
        cls.httpd.shutdown()
        cls.httpd.server_close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def shot(self, page: str) -> bytes:
        png = self.tmp / f"{page}.png"
        subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1280,1600",
                        f"--screenshot={png}", self.base + page],
                       capture_output=True, timeout=90)
        self.assertTrue(png.is_file(), f"no screenshot of {page}")
        return png.read_bytes()

    def assert_not_blank(self, data: bytes):
        _, raw = png_rows(data)
        self.assertGreater(len(set(raw[::97])), 20, "screenshot looks blank")

    def test_index_and_a_chapter_render_with_a_figure(self):
        self.assert_not_blank(self.shot("index.html"))
        self.assert_not_blank(self.shot("vm-2002.html"))
        page = urllib.request.urlopen(self.base + "vm-2002.html").read().decode()
        self.assertIn('src="figures/anon-page-life.svg"', page)
        svg = urllib.request.urlopen(self.base + "figures/anon-page-life.svg")
        self.assertEqual(svg.status, 200)
        self.assertIn(b"<svg", svg.read()[:2000])


if __name__ == "__main__":
    unittest.main()
