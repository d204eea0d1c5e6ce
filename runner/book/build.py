"""`make book`: find the pages, check them, render the site, the EPUB and the PDF.

Order of the book: chapters/00-*.md is the front page (index.html); chapters/NN-*.md
are the numbered chapters; chapters/A1-*.md, A2-*.md ... the appendices (A, B, ...).
Each labs/<id>/README.md becomes a page placed right after the first chapter that
links it with {{labs: ...}}; labs no chapter links come just before the appendices.
"""
import concurrent.futures as cf
import pathlib
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field

from . import messages as msgs
from . import site
from .figures import Figures, MODEL_FIGURES, render_svg
from .source import Book, BookError, Page, _lines_outside_code

ASSETS = pathlib.Path(__file__).with_name("assets")
CHAPTER_NAME = re.compile(r"^(\d\d|A\d)-([a-z0-9][a-z0-9-]*)\.md$")
PANDOC_IN = "markdown-citations"


@dataclass
class Result:
    pages: int = 0
    figures: int = 0
    seconds: float = 0.0
    warnings: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)


def find_pages(chapters: pathlib.Path, labs: pathlib.Path, root: pathlib.Path):
    """(chapter pages in order, lab pages, lab search text) from the source folders."""
    pages, nchap, napp = [], 0, 0
    for path in sorted(chapters.glob("*.md")):
        m = CHAPTER_NAME.match(path.name)
        if not m:
            raise BookError(f"{_rel(path, root)}: chapter file names are NN-slug.md or "
                            f"A1-slug.md (lower-case slug); rename it")
        text = path.read_text(encoding="utf-8")
        if m.group(1) == "00":
            page = Page(m.group(2), _rel(path, root), text, "", "front")
        elif m.group(1).startswith("A"):
            napp += 1
            page = Page(m.group(2), _rel(path, root), text, chr(ord("A") + napp - 1), "appendix")
        else:
            nchap += 1
            page = Page(m.group(2), _rel(path, root), text, str(nchap), "chapter")
        pages.append(page)
    lab_pages, meta = [], {}
    for readme in sorted(labs.glob("*/README.md")) if labs.is_dir() else []:
        lab_id = readme.parent.name
        text = _lab_text(readme.read_text(encoding="utf-8"), lab_id)
        page = Page(f"lab-{lab_id}", _rel(readme, root), text, "", "lab")
        lab_pages.append(page)
        extra = readme.parent / "lab.json"
        meta[page.key] = text + (extra.read_text(encoding="utf-8") if extra.is_file() else "")
    return pages, lab_pages, meta


def _rel(path: pathlib.Path, root: pathlib.Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _lab_text(text: str, lab_id: str) -> str:
    """A handout as a book page: one '# ' title, relative links shown as repository paths."""
    out, seen_title = [], False
    for _, line, code in _lines_outside_code(text):
        if not code:
            if line.startswith("# "):
                line = "#" + line if seen_title else line
                seen_title = True
            line = re.sub(r"(!?)\[([^\]]*)\]\((?!https?:|mailto:|#|fig:)([^)\s]+)\)",
                          lambda m: f"{m.group(2)} (`labs/{lab_id}/{m.group(3)}`)", line)
        out.append(line)
    if not seen_title:
        out.insert(0, f"# Lab {lab_id}\n")
    return "\n".join(out)


def order_pages(pages, lab_pages):
    """Insert each lab after the first chapter linking it; the rest before the appendices."""
    labs = {p.key: p for p in lab_pages}
    placed, ordered = set(), []
    for page in pages:
        if page.kind == "appendix":
            for key in sorted(set(labs) - placed):
                ordered.append(labs[key])
                placed.add(key)
        ordered.append(page)
        for key in page.labs:
            if key in labs and key not in placed:
                ordered.append(labs[key])
                placed.add(key)
    ordered.extend(labs[k] for k in sorted(set(labs) - placed))
    return ordered


def pandoc(markdown: str, args, label: str, cwd=None):
    """Run pandoc on Markdown text; returns (stdout, warning lines)."""
    r = subprocess.run(["pandoc", "-f", PANDOC_IN, *args], input=markdown, text=True,
                       capture_output=True, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError(f"{label}: pandoc failed: {r.stderr.strip()}")
    warnings = [f"{label}: {w}" for w in r.stderr.splitlines() if w.strip()]
    return r.stdout, warnings


def prepare(root: pathlib.Path, chapters=None, labs=None):
    """Load and check everything; returns (Book, ordered pages, Figures)."""
    try:
        messages = msgs.load(root / "data" / "messages.tsv")
    except (OSError, msgs.MessageTableError) as e:
        raise BookError(str(e)) from e
    chapters = pathlib.Path(chapters) if chapters else root / "chapters"
    labs = pathlib.Path(labs) if labs else root / "labs"
    pages, lab_pages, meta = find_pages(chapters, labs, root)
    if not pages:
        raise BookError(f"{_rel(chapters, root)}: no chapters found; add NN-slug.md files")
    figures = Figures(root, messages)
    book = Book(pages + lab_pages, messages, meta, figures.exists, MODEL_FIGURES)
    book.collect()
    for page in lab_pages:
        book._add_label(page, "lab", page.key[4:], "top", "", page.title, page.path)
    ordered = order_pages(pages, lab_pages)
    names = {}
    for page in ordered:
        if page.html_name in names:
            raise BookError(f"{page.path}: its page {page.html_name} clashes with "
                            f"{names[page.html_name]}; rename one of the files")
        names[page.html_name] = page.path
    book.pages = ordered
    for page in ordered:            # every citation and reference resolves, or BookError
        book.render(page, single=False)
    return book, ordered, figures


def build(root: pathlib.Path, out: pathlib.Path, chapters=None, labs=None,
          formats=("html", "epub", "pdf"), log=print) -> Result:
    start = time.monotonic()
    out = pathlib.Path(out).resolve()
    book, pages, figures = prepare(root, chapters, labs)
    res = Result(pages=len(pages))
    html_dir = out / "html"
    if html_dir.exists():
        shutil.rmtree(html_dir)
    (html_dir / "assets").mkdir(parents=True)
    for asset in ASSETS.iterdir():
        shutil.copy(asset, html_dir / "assets" / asset.name)

    used = [name for p in pages for name in p.figures if figures.exists(name)]
    with cf.ThreadPoolExecutor(max_workers=8) as pool:
        figs = [pool.submit(render_svg, figures.dot_text(n), html_dir / "figures" / f"{n}.svg", n)
                for n in dict.fromkeys(used)]
        frags = [pool.submit(pandoc, book.render(p, single=False),
                             ["-t", "html5", "--wrap=none"], p.path)
                 for p in pages]
        for f in figs:
            f.result()
        res.figures = len(figs)
        entries = []
        for i, (page, fut) in enumerate(zip(pages, frags)):
            body, warns = fut.result()
            res.warnings += warns
            (html_dir / page.html_name).write_text(site.page_html(pages, i, body), encoding="utf-8")
            entries += site.search_entries(page, body)
        site.write_search_index(html_dir / "assets", entries)
        res.outputs["html"] = html_dir / "index.html"

        single = single_markdown(book, pages)
        jobs = {}
        if "epub" in formats:
            jobs["epub"] = pool.submit(make_epub, single, out / "book.epub", html_dir)
        if "pdf" in formats:
            jobs["pdf"] = pool.submit(make_pdf, single, out / "book.pdf", html_dir)
        for name, fut in jobs.items():
            res.warnings += fut.result()
            res.outputs[name] = out / f"book.{name}"
    res.seconds = time.monotonic() - start
    return res


def single_markdown(book: Book, pages) -> str:
    return "\n\n".join(book.render(p, single=True) for p in pages)


def _meta():
    return ["--metadata", f"title={site.BOOK_TITLE}",
            "--metadata", f"subtitle={site.BOOK_SUBTITLE}",
            "--metadata", "lang=en", "--metadata", "author=The lrulab project"]


def make_epub(markdown: str, target: pathlib.Path, html_dir: pathlib.Path):
    _, warns = pandoc(markdown, ["-t", "epub3", "-o", str(target.resolve()), "--toc",
                                 "--toc-depth=2", "--css", str(ASSETS / "epub.css"),
                                 "--resource-path", str(html_dir), *_meta()], "epub")
    return warns


def make_pdf(markdown: str, target: pathlib.Path, html_dir: pathlib.Path):
    """pandoc to one standalone HTML file, then weasyprint (both from Debian)."""
    src = html_dir.parent / "print.html"
    _, warns = pandoc(markdown, ["-t", "html5", "-s", "--toc", "--toc-depth=2",
                                 "--css", "html/assets/print.css", "-o", str(src), *_meta()], "pdf")
    r = subprocess.run(["weasyprint", "-q", str(src), str(target)], capture_output=True, text=True,
                       cwd=html_dir.parent)
    if r.returncode != 0:
        raise RuntimeError(f"pdf: weasyprint failed: {r.stderr.strip()[:500]}")
    return warns + [f"pdf: {w}" for w in r.stderr.splitlines() if "ERROR" in w]
