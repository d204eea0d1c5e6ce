"""The book's Markdown dialect, turned into plain pandoc Markdown.

On top of pandoc Markdown a page may use (never inside code):
  [@msg:ID]  or [@msg:ID; @msg:ID2]   cite messages of data/messages.tsv -> numbered notes
  @sec:ID  @fig:NAME  @ch:KEY  @lab:ID  cross-references, rendered "Section 3.2", "Lab 01"
  ![Caption](fig:NAME)                 a numbered figure (figures/NAME.dot, generated ones)
  ![Caption](run:NAME)                 a numbered figure that is a model run, as a table
  {{labs: KEY ...}}  {{labs: *}}       links to the lab handouts that match (hook names)
  {{message-index}}                    the generated list of all messages (Appendix C)
Any other citation or reference form ('[@m:x]', '@foo:bar') is an error, so nothing
unresolved reaches a reader.  Headings are numbered here (chapter 3 -> 3.1, appendix
A -> A.1) and given stable ids; a heading may not carry its own number ("1. Foo").

Two passes: `collect` numbers every page, records every label and every citation;
`render` then rewrites one page for the multi-page site or for the single document.
"""
import re
from dataclasses import dataclass, field

from . import citations
from .messages import Message, numbering


class BookError(Exception):
    """A problem in the sources; str() is the one-line message shown to the author."""


@dataclass
class Label:
    kind: str      # sec, fig, ch, lab
    anchor: str
    page: "Page"
    number: str    # "3.2", "A", "01" (a lab), "" for unnumbered
    title: str


@dataclass
class Page:
    key: str                   # "vm-2002", "lab-00-orientation"
    path: str                  # repo-relative source path, for messages
    text: str
    number: str = ""           # "3", "A", "" (front page, labs)
    kind: str = "chapter"      # chapter, appendix, front, lab
    title: str = ""
    lab_number: str = ""       # "01" for labs/01-race-0207
    sections: list = field(default_factory=list)   # (level, anchor, number, title)
    figures: list = field(default_factory=list)    # (scheme, name), in order
    labs: list = field(default_factory=list)       # lab keys linked from this page
    notes: dict = field(default_factory=dict)      # Message-ID -> [note number, times cited]

    @property
    def html_name(self) -> str:
        return "index.html" if self.kind == "front" else f"{self.key}.html"

    @property
    def figure_prefix(self) -> str:
        """What figure numbers start with: '3', 'A', '0' (front page), 'L01' (a lab)."""
        if self.number:
            return self.number
        if self.kind == "lab":
            return f"L{self.lab_number}" if self.lab_number else "L"
        return "0"


FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{([^}]*)\})?\s*$")
CITE = re.compile(r"\[(@msg:[^\]]+)\]")
REF_KINDS = ("sec", "fig", "ch", "lab")
REF = re.compile(r"(?<![\w@/])@(sec|fig|ch|lab):([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)")
# What is left after CITE and REF: any other [@...] or @word: is a mistake.
STRAY_CITE = re.compile(r"\[-?@[^\]]*\]")
STRAY_REF = re.compile(r"(?<![\w@/.+-])@([A-Za-z][\w-]*):")
FIGURE = re.compile(r"^!\[(.*)\]\((fig|run):([A-Za-z0-9_-]+)\)\s*$")
LABS = re.compile(r"^\{\{labs:([^}]*)\}\}\s*$")
MSGINDEX = re.compile(r"^\{\{message-index\}\}\s*$")
CODESPAN = re.compile(r"(`+)(.+?)\1")
OWN_NUMBER = re.compile(r"^(\d+|[A-Z])[.)]\s")
# Code blocks wider than this many columns get a class that sets a smaller font in the
# PDF, so that two-lane traces never wrap (print.css has the sizes).
WIDE = ((88, ""), (100, "w100"), (115, "w115"), (130, "w130"), (10 ** 6, "w160"))


def slug(text: str) -> str:
    s = re.sub(r"[`*_\[\]()<>{}]", "", text.lower())
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "section"


def _lines_outside_code(text: str):
    """Yield (lineno, line, in_code) for every line; in_code covers fenced blocks."""
    fence = None
    for n, line in enumerate(text.split("\n"), start=1):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * 3
            yield n, line, True
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            yield n, line, True
        else:
            yield n, line, False


def _map_prose(line: str, fn) -> str:
    """Apply fn to the parts of a line that are not inline code spans."""
    out, pos = [], 0
    for m in CODESPAN.finditer(line):
        out.append(fn(line[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(line[pos:]))
    return "".join(out)


def _prose(line: str) -> str:
    """The line with its inline code spans blanked out."""
    return CODESPAN.sub(lambda m: " " * len(m.group(0)), line)


def width_class(columns: int) -> str:
    for limit, cls in WIDE:
        if columns <= limit:
            return cls
    return WIDE[-1][1]


def mark_wide_code(text: str) -> str:
    """Give each fenced block wider than 88 columns a wNNN class on its opening fence."""
    lines = text.split("\n")
    opening, body = None, []
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if opening is None and m:
            opening, body = i, []
        elif opening is not None:
            if line.strip().startswith(FENCE.match(lines[opening]).group(1)[0] * 3):
                cls = width_class(max((len(b.rstrip().expandtabs(8)) for b in body), default=0))
                if cls:
                    lines[opening] = _fence_with_class(lines[opening], cls)
                opening = None
            else:
                body.append(line)
    return "\n".join(lines)


def _fence_with_class(line: str, cls: str) -> str:
    m = FENCE.match(line)
    head, rest = line[:m.end()], line[m.end():].strip()
    if rest.startswith("{"):
        return f"{head}{rest[:-1].rstrip()} .{cls}}}"
    if rest:
        return f"{head} {{.{rest.split()[0]} .{cls}}}"
    return f"{head} {{.{cls}}}"


class Book:
    """All pages, labels and messages; built by `collect`, used by `render`."""

    def __init__(self, pages, messages: dict[str, Message], labs_meta: dict,
                 figure_exists, generated_figures=(), model_run=None):
        self.pages = pages
        self.messages = messages
        self.numbers = numbering(messages)
        self.labs_meta = labs_meta            # lab key -> searchable text (hooks, README)
        self.figure_exists = figure_exists    # name -> bool
        self.generated = set(generated_figures)
        self.model_run = model_run or (lambda name, caption, link: None)   # -> Markdown or None
        self.labels: dict[str, Label] = {}
        self.cited: dict[str, list] = {}      # Message-ID -> [(Page, note number)]

    # ---- pass 1 ------------------------------------------------------------------
    def collect(self):
        for page in self.pages:
            self._collect_page(page)

    def _add_label(self, page, kind, name, anchor, number, title, where):
        key = f"{kind}:{name}"
        if key in self.labels:
            raise BookError(f"{where}: label {key} is defined twice "
                            f"(also in {self.labels[key].page.path}); rename one")
        self.labels[key] = Label(kind, anchor, page, number, title)

    def _collect_page(self, page: Page):
        counters = [0] * 7
        nfig = 0
        anchors = set()
        for n, line, code in _lines_outside_code(page.text):
            if code:
                continue
            where = f"{page.path}:{n}"
            h = HEADING.match(line)
            if h:
                level, title, attrs = len(h.group(1)), h.group(2), h.group(4) or ""
                ident = re.search(r"#([\w:.-]+)", attrs)
                name = ident.group(1) if ident else None
                if level == 1:
                    if page.title:
                        raise BookError(f"{where}: a page has one '# ' title; use '## ' here")
                    page.title = title
                    number = page.number
                    anchor = "top"
                else:
                    if page.number and OWN_NUMBER.match(title):
                        raise BookError(f"{where}: heading '{title}' carries its own number; "
                                        f"the build numbers headings, so drop it")
                    counters[level] += 1
                    for deeper in range(level + 1, 7):
                        counters[deeper] = 0
                    number = ""
                    if page.number and level <= 3:
                        number = ".".join([page.number] + [str(counters[i]) for i in range(2, level + 1)])
                    anchor = name.replace(":", "-") if name else f"{page.key}--{slug(title)}"
                    while anchor in anchors:
                        anchor += "-x"
                    anchors.add(anchor)
                    page.sections.append((level, anchor, number, title))
                if name and name.startswith("sec:"):
                    self._add_label(page, "sec", name[4:], anchor, number, title, where)
                self._collect_citations(page, title, where)
                continue
            f = FIGURE.match(line)
            if f:
                nfig += 1
                scheme, fname = f.group(2), f.group(3)
                number = f"{page.figure_prefix}.{nfig}"
                page.figures.append((scheme, fname))
                self._add_label(page, "fig", fname, f"fig-{fname}", number, f.group(1), where)
                if scheme == "fig" and not self.figure_exists(fname) and fname not in self.generated:
                    raise BookError(f"{where}: figure '{fname}' has no source; "
                                    f"add figures/{fname}.dot or fix the name")
                if scheme == "run" and fname not in self.generated:
                    raise BookError(f"{where}: '{fname}' is not a model run the build knows "
                                    f"(runner/book/figures.py MODEL_FIGURES)")
                self._collect_citations(page, f.group(1), where)
                continue
            m = LABS.match(line)
            if m:
                page.labs.extend(k for k in self.match_labs(m.group(1)) if k not in page.labs)
                continue
            self._collect_citations(page, line, where)
        if not page.title:
            raise BookError(f"{page.path}:1: the page has no '# ' title; start it with '# Title'")
        self._add_label(page, "ch", page.key, "top", page.number, page.title, page.path)

    def _collect_citations(self, page: Page, line: str, where: str):
        """Number this line's citations in the page's notes; reject any other form."""
        prose = _prose(line)
        for m in CITE.finditer(prose):
            try:
                mids = citations.parse(m.group(1), self.messages)
            except citations.CitationError as e:
                raise BookError(f"{where}: {e}") from None
            for mid in mids:
                if mid not in page.notes:
                    page.notes[mid] = [len(page.notes) + 1, 0]
                    self.cited.setdefault(mid, []).append((page, page.notes[mid][0]))
                page.notes[mid][1] += 1
        rest = CITE.sub(" ", prose)
        stray = STRAY_CITE.search(rest)
        if stray:
            raise BookError(f"{where}: citation '{stray.group(0)}' is not a form the book "
                            f"knows; write [@msg:MESSAGE-ID] (data/messages.tsv)")
        rest = REF.sub(" ", rest)
        stray = STRAY_REF.search(rest)
        if stray:
            raise BookError(f"{where}: '@{stray.group(1)}:' is not a reference the book knows; "
                            f"use @sec:, @fig:, @ch:, @lab: or [@msg:...]")

    def match_labs(self, spec: str) -> list:
        """Lab page keys for a {{labs: ...}} marker.  A key matches a lab when it is one of
        the dash-separated words of the lab's id, or (keys starting lab_) a hook named in
        the lab's README or lab.json; '*' matches every lab, in reading order."""
        keys = spec.split()
        order = [p.key for p in self.pages if p.kind == "lab"]
        rank = {k: i for i, k in enumerate(order)}
        labs = sorted(self.labs_meta, key=lambda k: (rank.get(k, len(rank)), k))
        if keys == ["*"]:
            return labs
        found = []
        for lab in labs:
            text = self.labs_meta[lab]
            words = set(re.split(r"[-_]", lab[4:])) | {lab[4:]}
            if any(k in words or (k.startswith("lab_") and k in text) for k in keys):
                found.append(lab)
        return found

    # ---- pass 2 ------------------------------------------------------------------
    def render(self, page: Page, single: bool) -> str:
        """Pandoc Markdown for one page; single=True links within one document."""
        out = []
        sections = iter(page.sections)
        self._cite_count: dict[str, int] = {}
        for n, line, code in _lines_outside_code(mark_wide_code(page.text)):
            if code:
                out.append(line)
                continue
            h = HEADING.match(line)
            if h:
                out.append(self._heading(page, h, None if len(h.group(1)) == 1 else next(sections),
                                         single, f"{page.path}:{n}"))
            else:
                out.append(self._render_line(page, line, f"{page.path}:{n}", single))
        out.append(self._notes(page, single))
        return "\n".join(out) + "\n"

    def href(self, label: Label, single: bool) -> str:
        if single:
            return f"#{label.anchor}" if label.anchor != "top" else f"#{label.page.key}"
        page = label.page.html_name
        return page if label.anchor == "top" else f"{page}#{label.anchor}"

    def _render_line(self, page, line, where, single) -> str:
        f = FIGURE.match(line)
        if f:
            return self._figure(page, f.group(2), f.group(3), f.group(1), where, single)
        if LABS.match(line):
            return self._lab_list(LABS.match(line).group(1), single)
        if MSGINDEX.match(line):
            return self.message_index(single)
        line = _map_prose(line, lambda s: CITE.sub(lambda m: self._cite(page, m.group(1), single), s))
        return _map_prose(line, lambda s: REF.sub(lambda m: self._ref(m, where, single), s))

    def _heading(self, page, h, section, single, where) -> str:
        """Numbered heading with its anchor; section is (level, anchor, number, title)."""
        if section is None:
            anchor = page.key if single else "top"
            number = page.number
            if number and page.kind == "appendix":
                number = f"Appendix {number}"
            if page.kind == "lab" and page.lab_number:
                number = f"Lab {page.lab_number}"
        else:
            _, anchor, number, _ = section
        prefix = f"[{number}]{{.secno}} " if number else ""
        title = _map_prose(h.group(2), lambda s: re.sub(r"(?<!\\)_", r"\\_", s))
        title = _map_prose(title, lambda s: CITE.sub(lambda m: self._cite(page, m.group(1), single), s))
        return f"{h.group(1)} {prefix}{title} {{#{anchor} .unnumbered}}"

    def _figure(self, page, scheme, name, caption, where, single) -> str:
        label = self.labels[f"fig:{name}"]
        caption = self._render_line(page, caption, where, single)
        if scheme == "run":
            table = self.model_run(name, f"**Figure {label.number}.** {caption}", not single)
            if table is not None:
                return f"::: {{.model-run #{label.anchor}}}\n{table}\n:::"
        elif self.figure_exists(name):
            return f"![**Figure {label.number}.** {caption}](figures/{name}.svg){{#{label.anchor}}}"
        return (f"::: {{.figure-missing #{label.anchor}}}\n"
                f"**Figure {label.number}** (not generated yet). {caption}\n\n"
                f"The model draws this figure from a real run; it appears here once "
                f"`build/figures/{name}.dot` exists (build the model, then `make book`).\n:::")

    def _lab_list(self, spec, single) -> str:
        labs = self.match_labs(spec)
        if not labs:
            return ("::: {.lab-box}\n**Lab.** The handout for this part of the story is not "
                    "written yet; when `labs/<id>/README.md` exists it is linked here.\n:::")
        items = []
        for key in labs:
            label = self.labels.get(f"ch:{key}")
            if label is None:
                items.append(f"- {key}")
                continue
            number = f"Lab {label.page.lab_number}: " if label.page.lab_number else ""
            items.append(f"- [{number}{label.title}]({self.href(label, single)})")
        return "::: {.lab-box}\n**Labs for this part**\n\n" + "\n".join(items) + "\n:::"

    def _prefix(self, page, single) -> str:
        return f"{page.key}-" if single else ""

    def _cite(self, page, body: str, single: bool) -> str:
        marks = []
        for mid in citations.parse(body, self.messages):
            self._cite_count[mid] = self._cite_count.get(mid, 0) + 1
            n = page.notes[mid][0]
            marks.append(citations.note_ref(n, self._cite_count[mid], self._prefix(page, single)))
        return "[,]{.noteref}".join(marks)

    def _entry_href(self, single: bool):
        label = self.labels.get("ch:messages")
        if label is None:
            return lambda number: f"#msg-{number}"
        base = "" if single else label.page.html_name
        return lambda number: f"{base}#msg-{number}"

    def _notes(self, page, single) -> str:
        notes = [(n, mid, times) for mid, (n, times) in page.notes.items()]
        notes.sort()
        return citations.notes_block(notes, self.messages, self.numbers,
                                     self._entry_href(single), self._prefix(page, single))

    def where_label(self, page) -> str:
        if page.kind == "lab":
            return f"Lab {page.lab_number}" if page.lab_number else page.title
        if page.kind == "front":
            return "About this book"
        if page.kind == "appendix":
            return f"Appendix {page.number}"
        return f"Chapter {page.number}"

    def _ref(self, m, where, single) -> str:
        kind, name = m.group(1), m.group(2)
        label = self.labels.get(f"{kind}:{name}")
        if label is None:
            if kind == "lab":
                return f"lab `{name}` (not written yet)"
            how = {"ch": f"add chapters/NN-{name}.md or fix the name",
                   "sec": f"put {{#sec:{name}}} on a heading or fix the name",
                   "fig": f"add ![Caption](fig:{name}) or fix the name"}[kind]
            raise BookError(f"{where}: reference @{kind}:{name} points nowhere; {how}")
        text = {"sec": "Section", "fig": "Figure", "ch": "Chapter", "lab": "Lab"}[kind]
        if kind == "ch" and label.page.kind == "appendix":
            text = "Appendix"
        if kind == "ch" and label.page.kind == "lab":
            text = "Lab"
        if not label.number:
            text = f"*{label.title}*"
        else:
            text = f"{text} {label.number}"
        return f"[{text}]({self.href(label, single)})"

    def message_index(self, single: bool) -> str:
        def note_href(page, n):
            if single:
                return f"#{page.key}-note-{n}"
            return f"{page.html_name}#note-{n}"
        return citations.message_index(self.messages, self.numbers, self.cited,
                                       self.where_label, note_href)
