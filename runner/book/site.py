"""The multi-page HTML site: a page template with the sidebar table of contents,
previous/next links and the search box, plus the search index.

pandoc turns each page into an HTML fragment; this module wraps it.  Everything the
site needs (CSS, JS, figures, index) is written next to the pages: no network.
"""
import html
import json
import re
from html.parser import HTMLParser

BOOK_TITLE = "The __free_pages_ok oops"
BOOK_SUBTITLE = "Linux 2.4 page freeing at interrupt time, February 2002: a workbook"

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — {book}</title>
<link rel="stylesheet" href="assets/book.css">
</head>
<body>
<nav id="sidebar" aria-label="Contents">
<a class="book-title" href="index.html">{book}</a>
<input id="search" type="search" placeholder="Search the book" aria-label="Search" autocomplete="off">
<div id="search-results" hidden></div>
{toc}
</nav>
<main>
{prevnext}
<article>
{body}
</article>
{prevnext}
<footer>{book} · built from the project sources · messages link to lore.kernel.org</footer>
</main>
<script src="assets/search-index.js"></script>
<script src="assets/search.js"></script>
</body>
</html>
"""


def _number(page) -> str:
    """What the sidebar and prev/next put before a title: '3', 'A', 'Lab 01'."""
    if page.kind == "lab":
        return f"Lab {page.lab_number}" if page.lab_number else "Lab"
    return page.number


def _title_text(page) -> str:
    number = page.number
    if page.kind == "appendix":
        number = f"Appendix {number}"
    if page.kind == "lab":
        number = _number(page) + ":"
    return f"{number} {page.title}".strip()


def _inline(text: str) -> str:
    """Heading Markdown to safe HTML for the sidebar: `code` kept, the rest escaped."""
    parts = re.split(r"(`[^`]+`)", text)
    return "".join(f"<code>{html.escape(p[1:-1])}</code>" if p.startswith("`")
                   else html.escape(p.replace("\\_", "_").replace("*", "")) for p in parts)


def toc_html(pages, current) -> str:
    items = []
    for p in pages:
        cls = ' class="current"' if p is current else ""
        css = f"toc-{p.kind}"
        number = f'<span class="secno">{html.escape(_number(p))}</span> ' if _number(p) else ""
        sub = ""
        if p is current and p.sections:
            sub = "<ol>" + "".join(
                f'<li><a href="#{a}">'
                f'{"<span class=secno>" + html.escape(n) + "</span> " if n else ""}{_inline(t)}</a></li>'
                for lvl, a, n, t in p.sections if lvl == 2) + "</ol>"
        items.append(f'<li class="{css}"><a{cls} href="{p.html_name}">{number}{_inline(p.title)}</a>{sub}</li>')
    return '<ol class="toc">' + "".join(items) + "</ol>"


def prevnext_html(pages, i) -> str:
    prev = pages[i - 1] if i > 0 else None
    nxt = pages[i + 1] if i + 1 < len(pages) else None
    left = (f'<a rel="prev" href="{prev.html_name}">← {_inline(_title_text(prev))}</a>'
            if prev else "<span></span>")
    right = (f'<a rel="next" href="{nxt.html_name}">{_inline(_title_text(nxt))} →</a>'
             if nxt else "<span></span>")
    return f'<nav class="prevnext">{left}{right}</nav>'


def page_html(pages, i, body: str) -> str:
    page = pages[i]
    return TEMPLATE.format(title=html.escape(_title_text(page)), book=html.escape(BOOK_TITLE),
                           toc=toc_html(pages, page), prevnext=prevnext_html(pages, i), body=body)


class _Sections(HTMLParser):
    """Split a page fragment into (anchor, heading text, body text) per heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = [["top", "", []]]
        self.in_heading = False
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self.out.append([dict(attrs).get("id", "top"), "", []])
            self.in_heading = True
        elif tag in ("script", "style", "svg"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4"):
            self.in_heading = False
        elif tag in ("script", "style", "svg"):
            self.skip -= 1

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_heading:
            self.out[-1][1] += data
        else:
            self.out[-1][2].append(data)


def search_entries(page, fragment: str) -> list:
    parser = _Sections()
    parser.feed(fragment)
    entries = []
    for anchor, heading, texts in parser.out:
        body = re.sub(r"\s+", " ", " ".join(texts)).strip()
        if not heading and not body:
            continue
        heading = re.sub(r"\s+", " ", heading).strip() or page.title
        entries.append({"p": page.html_name, "a": anchor if anchor != "top" else "",
                        "t": heading, "c": _title_text(page), "x": body[:6000]})
    return entries


def write_search_index(folder, entries) -> None:
    """search-index.json (for tools) and search-index.js (works from file:// too)."""
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    (folder / "search-index.json").write_text(data, encoding="utf-8")
    (folder / "search-index.js").write_text(f"window.BOOK_INDEX = {data};\n", encoding="utf-8")
