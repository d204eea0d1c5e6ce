"""`make book`: find the pages, check them, render the site, the EPUB and the PDF.

The reading order is chapters/ORDER (see order.py): chapters and lab handouts
(labs/<id>/README.md), each lab before the chapter that gives its answers away.
chapters/00-*.md is the front page (index.html); A1-*.md, A2-*.md ... the appendices.
"""
import concurrent.futures as cf
import os
import pathlib
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field

from . import messages as msgs
from . import order
from . import site
from .figures import Figures, MODEL_FIGURES, render_svg
from .source import Book, BookError, Page, _lines_outside_code

ASSETS = pathlib.Path(__file__).with_name("assets")
CHAPTER_NAME = re.compile(r"^(\d\d|A\d)-([a-z0-9][a-z0-9-]*)\.md$")
PANDOC_IN = "markdown-citations"
# weasyprint messages that mean a reader would miss something: a figure or a stylesheet
PDF_FATAL = re.compile(r"Failed to load|ERROR", re.I)


@dataclass
class Result:
    pages: int = 0
    figures: int = 0
    seconds: float = 0.0           # wall clock: depends on what else the machine runs
    cpu_seconds: float = 0.0       # CPU time of the build and its tools: the book's own cost
    warnings: list = field(default_factory=list)
    outputs: dict = field(default_factory=dict)


def find_pages(chapters: pathlib.Path, labs: pathlib.Path, root: pathlib.Path):
    """(pages in reading order, lab search text, warnings) from the source folders."""
    files = {}
    for path in sorted(chapters.glob("*.md")):
        if not CHAPTER_NAME.match(path.name):
            raise BookError(f"{_rel(path, root)}: chapter file names are NN-slug.md or "
                            f"A1-slug.md (lower-case slug); rename it")
        files[path.stem] = path
    readmes = {r.parent.name: r for r in sorted(labs.glob("*/README.md"))} if labs.is_dir() else {}
    try:
        entries, warnings = order.read(chapters, list(files), list(readmes))
    except order.OrderError as e:
        raise BookError(str(e)) from e
    pages, meta, nchap, napp = [], {}, 0, 0
    for e in entries:
        if e.kind == "lab":
            readme = readmes[e.name]
            text = _lab_text(readme.read_text(encoding="utf-8"), e.name)
            page = Page(f"lab-{e.name}", _rel(readme, root), text, "", "lab",
                        lab_number=(re.match(r"\d+", e.name) or [""])[0])
            extra = readme.parent / "lab.json"
            meta[page.key] = text + (extra.read_text(encoding="utf-8") if extra.is_file() else "")
        else:
            path = files[e.name]
            m = CHAPTER_NAME.match(path.name)
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
    return pages, meta, warnings


def _rel(path: pathlib.Path, root: pathlib.Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


CHAPTER_PATH = re.compile(r"`chapters/(?:\d\d|A\d)-([a-z0-9][a-z0-9-]*)\.md`")
LAB_MENTION = re.compile(r"\b([Ll]ab) (\d\d)\b(?![-\w])")


def _lab_text(text: str, lab_id: str) -> str:
    """A handout as a book page: one '# ' title; `chapters/NN-slug.md` becomes a link to
    that chapter (by slug, so renumbering the book keeps it right) and "lab 01" a link
    to that lab; other relative links are shown as repository paths."""
    out, seen_title = [], False
    for _, line, code in _lines_outside_code(text):
        if not code:
            if line.startswith("# "):
                line = "#" + line if seen_title else line
                seen_title = True
            line = re.sub(r"(!?)\[([^\]]*)\]\((?!https?:|mailto:|#|fig:)([^)\s]+)\)",
                          lambda m: f"{m.group(2)} (`labs/{lab_id}/{m.group(3)}`)", line)
            line = CHAPTER_PATH.sub(lambda m: f"@ch:{m.group(1)}", line)
            if not line.startswith("#"):
                line = LAB_MENTION.sub(lambda m: f"@lab:{m.group(2)}", line)
        out.append(line)
    if not seen_title:
        out.insert(0, f"# Lab {lab_id}\n")
    return "\n".join(out)


def pandoc(markdown: str, args, label: str, cwd=None):
    """Run pandoc on Markdown text; returns (stdout, warning lines)."""
    r = subprocess.run(["pandoc", "-f", PANDOC_IN, *args], input=markdown, text=True,
                       capture_output=True, cwd=cwd)
    if r.returncode != 0:
        raise RuntimeError(f"{label}: pandoc failed: {r.stderr.strip()}")
    warnings = [f"{label}: {w}" for w in r.stderr.splitlines() if w.strip()]
    return r.stdout, warnings


def prepare(root: pathlib.Path, chapters=None, labs=None):
    """Load and check everything; returns (Book, ordered pages, Figures, warnings)."""
    try:
        messages = msgs.load(root / "data" / "messages.tsv")
    except (OSError, msgs.MessageTableError) as e:
        raise BookError(str(e)) from e
    chapters = pathlib.Path(chapters) if chapters else root / "chapters"
    labs = pathlib.Path(labs) if labs else root / "labs"
    pages, meta, warnings = find_pages(chapters, labs, root)
    if not any(p.kind != "lab" for p in pages):
        raise BookError(f"{_rel(chapters, root)}: no chapters found; add NN-slug.md files")
    names = {}
    for page in pages:
        if page.html_name in names:
            raise BookError(f"{page.path}: its page {page.html_name} clashes with "
                            f"{names[page.html_name]}; rename one of the files")
        names[page.html_name] = page.path
    figures = Figures(root, messages)
    book = Book(pages, messages, meta, figures.exists, MODEL_FIGURES, figures.model_run)
    book.collect()
    for page in pages:           # @lab:01-race-0207 and @lab:01 both name the lab
        if page.kind == "lab":
            lab_id = page.key[4:]
            for name in dict.fromkeys([lab_id, page.lab_number]):
                if name and f"lab:{name}" not in book.labels:
                    book._add_label(page, "lab", name, "top", page.lab_number, page.title, page.path)
    for page in pages:            # every citation and reference resolves, or BookError
        book.render(page, single=False)
    return book, pages, figures, warnings


ENLARGE = re.compile(r'(<img src="(figures/[^"]+\.svg)"[^>]*>)')


def _enlargeable(body: str) -> str:
    """Each figure image links to its SVG: click to see it at full size."""
    return ENLARGE.sub(r'<a class="enlarge" href="\2" title="Open the figure at full size">\1</a>',
                       body)


def build(root: pathlib.Path, out: pathlib.Path, chapters=None, labs=None,
          formats=("html", "epub", "pdf"), log=print) -> Result:
    start, cpu_start = time.monotonic(), _cpu_time()
    out = pathlib.Path(out).resolve()
    book, pages, figures, warnings = prepare(root, chapters, labs)
    res = Result(pages=len(pages), warnings=list(warnings))
    html_dir = out / "html"
    if html_dir.exists():
        shutil.rmtree(html_dir)
    (html_dir / "assets").mkdir(parents=True)
    for asset in ASSETS.iterdir():
        if asset.suffix == ".html":          # the PDF's pandoc template, not a site file
            continue
        shutil.copy(asset, html_dir / "assets" / asset.name)

    # figures drawn as images, and the full timelines the model-run tables link to
    used = [name for p in pages for scheme, name in p.figures if figures.exists(name)]
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
            body = _enlargeable(body)
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
    res.cpu_seconds = _cpu_time() - cpu_start
    return res


def _cpu_time() -> float:
    """User + system time of this process and of the tools it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def single_markdown(book: Book, pages) -> str:
    return "\n\n".join(book.render(p, single=True) for p in pages)


def _meta():
    return ["--metadata", f"title={site.BOOK_TITLE}",
            "--metadata", f"subtitle={site.BOOK_SUBTITLE}",
            "--metadata", "lang=en", "--metadata", "author=The lrulab project",
            "--metadata", "toc-title=Contents"]


def make_epub(markdown: str, target: pathlib.Path, html_dir: pathlib.Path):
    _, warns = pandoc(markdown, ["-t", "epub3", "-o", str(target.resolve()), "--toc",
                                 "--toc-depth=2", "--css", str(ASSETS / "epub.css"),
                                 "--resource-path", str(html_dir), *_meta()], "epub")
    return warns


def make_pdf(markdown: str, target: pathlib.Path, html_dir: pathlib.Path):
    """pandoc to one standalone HTML file, then weasyprint (both from Debian).

    print.html sits next to html/ but resolves figures/ and assets/ against html/
    (weasyprint --base-url); a figure or stylesheet weasyprint cannot load fails the
    build instead of leaving alt text in the PDF."""
    src = html_dir.parent / "print.html"
    _, warns = pandoc(markdown, ["-t", "html5", "-s", "--toc", "--toc-depth=2",
                                 "--template", str(ASSETS / "print-template.html"),
                                 "--css", "assets/print.css", "-o", str(src), *_meta()], "pdf")
    r = subprocess.run(["weasyprint", "--base-url", html_dir.as_uri() + "/", str(src), str(target)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"pdf: weasyprint failed: {r.stderr.strip()[:500]}")
    fatal = [w for w in r.stderr.splitlines() if PDF_FATAL.search(w)]
    if fatal:
        raise RuntimeError(f"pdf: weasyprint: {fatal[0]} ({len(fatal)} such message(s))")
    return warns + [f"pdf: {w}" for w in r.stderr.splitlines() if w.strip()]
