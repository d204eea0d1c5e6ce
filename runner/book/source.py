"""The book's Markdown dialect, turned into plain pandoc Markdown.

On top of pandoc Markdown a page may use (never inside code):
  [@msg:ID]  or [@msg:ID; @msg:ID2]   cite messages of data/messages.tsv -> lore link
  @sec:ID  @fig:NAME  @ch:KEY  @lab:ID  cross-references, rendered "Section 3.2" etc.
  ![Caption](fig:NAME)                 a numbered figure (figures/NAME.dot, generated ones)
  {{labs: KEY ...}}  {{labs: *}}       links to the lab handouts that match (hook names)
  {{message-index}}                    the generated table of all messages
Headings are numbered here (chapter 3 -> 3.1, appendix A -> A.1) and given stable ids.

Two passes: `collect` numbers every page and records every label; `render` then
rewrites one page for the multi-page site or for the single document (EPUB/PDF).
"""
import re
from dataclasses import dataclass, field

from .messages import Message


class BookError(Exception):
    """A problem in the sources; str() is the one-line message shown to the author."""


@dataclass
class Label:
    kind: str      # sec, fig, ch, lab
    anchor: str
    page: "Page"
    number: str    # "3.2", "A", "" for unnumbered
    title: str


@dataclass
class Page:
    key: str                   # "vm-2002", "lab-wp-drop"
    path: str                  # repo-relative source path, for messages
    text: str
    number: str = ""           # "3", "A", "" (front page, labs)
    kind: str = "chapter"      # chapter, appendix, front, lab
    title: str = ""
    sections: list = field(default_factory=list)   # (level, anchor, number, title)
    figures: list = field(default_factory=list)    # names, in order
    labs: list = field(default_factory=list)       # lab keys linked from this page

    @property
    def html_name(self) -> str:
        return "index.html" if self.kind == "front" else f"{self.key}.html"


FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{([^}]*)\})?\s*$")
CITE = re.compile(r"\[(@msg:[^\]]+)\]")
REF = re.compile(r"(?<![\w@/])@(sec|fig|ch|lab):([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)")
FIGURE = re.compile(r"^!\[(.*)\]\(fig:([A-Za-z0-9_-]+)\)\s*$")
LABS = re.compile(r"^\{\{labs:([^}]*)\}\}\s*$")
MSGINDEX = re.compile(r"^\{\{message-index\}\}\s*$")
CODESPAN = re.compile(r"(`+)(.+?)\1")


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


class Book:
    """All pages, labels and messages; built by `collect`, used by `render`."""

    def __init__(self, pages, messages: dict[str, Message], labs_meta: dict,
                 figure_exists, generated_figures=()):
        self.pages = pages
        self.messages = messages
        self.labs_meta = labs_meta            # lab key -> searchable text (hooks, README)
        self.figure_exists = figure_exists    # name -> bool
        self.generated = set(generated_figures)
        self.labels: dict[str, Label] = {}
        self.cited: dict[str, list] = {}      # Message-ID -> [Page]

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
                continue
            f = FIGURE.match(line)
            if f:
                nfig += 1
                number = f"{page.number or page.key}.{nfig}"
                page.figures.append(f.group(2))
                self._add_label(page, "fig", f.group(2), f"fig-{f.group(2)}", number, f.group(1), where)
                if not self.figure_exists(f.group(2)) and f.group(2) not in self.generated:
                    raise BookError(f"{where}: figure '{f.group(2)}' has no source; "
                                    f"add figures/{f.group(2)}.dot or fix the name")
                continue
            m = LABS.match(line)
            if m:
                page.labs.extend(k for k in self.match_labs(m.group(1)) if k not in page.labs)
        if not page.title:
            raise BookError(f"{page.path}:1: the page has no '# ' title; start it with '# Title'")
        self._add_label(page, "ch", page.key, "top", page.number, page.title, page.path)

    def match_labs(self, spec: str) -> list:
        """Lab page keys for a {{labs: ...}} marker.  A key matches a lab when it is one of
        the dash-separated words of the lab's id, or (keys starting lab_) a hook named in
        the lab's README or lab.json; '*' matches every lab."""
        keys = spec.split()
        if keys == ["*"]:
            return sorted(self.labs_meta)
        found = []
        for lab, text in sorted(self.labs_meta.items()):
            words = set(re.split(r"[-_]", lab[4:])) | {lab[4:]}
            if any(k in words or (k.startswith("lab_") and k in text) for k in keys):
                found.append(lab)
        return found

    # ---- pass 2 ------------------------------------------------------------------
    def render(self, page: Page, single: bool) -> str:
        """Pandoc Markdown for one page; single=True links within one document."""
        out = []
        sections = iter(page.sections)
        for n, line, code in _lines_outside_code(page.text):
            if code:
                out.append(line)
                continue
            h = HEADING.match(line)
            if h:
                out.append(self._heading(page, h, None if len(h.group(1)) == 1 else next(sections),
                                         single))
            else:
                out.append(self._render_line(page, line, f"{page.path}:{n}", single))
        return "\n".join(out) + "\n"

    def href(self, label: Label, single: bool) -> str:
        if single:
            return f"#{label.anchor}" if label.anchor != "top" else f"#{label.page.key}"
        page = label.page.html_name
        return page if label.anchor == "top" else f"{page}#{label.anchor}"

    def _render_line(self, page, line, where, single) -> str:
        f = FIGURE.match(line)
        if f:
            return self._figure(page, f.group(2), f.group(1), where, single)
        if LABS.match(line):
            return self._lab_list(LABS.match(line).group(1), single)
        if MSGINDEX.match(line):
            return self.message_index()
        line = _map_prose(line, lambda s: CITE.sub(lambda m: self._cite(m.group(1), where), s))
        return _map_prose(line, lambda s: REF.sub(lambda m: self._ref(m, where, single), s))

    def _heading(self, page, h, section, single) -> str:
        """Numbered heading with its anchor; section is (level, anchor, number, title)."""
        if section is None:
            anchor = page.key if single else "top"
            number = page.number
            if number and page.kind == "appendix":
                number = f"Appendix {number}"
        else:
            _, anchor, number, _ = section
        prefix = f"[{number}]{{.secno}} " if number else ""
        title = _map_prose(h.group(2), lambda s: re.sub(r"(?<!\\)_", r"\\_", s))
        return f"{h.group(1)} {prefix}{title} {{#{anchor} .unnumbered}}"

    def _figure(self, page, name, caption, where, single) -> str:
        label = self.labels[f"fig:{name}"]
        caption = self._render_line(page, caption, where, single)
        if not self.figure_exists(name):
            return (f"::: {{.figure-missing #{label.anchor}}}\n"
                    f"**Figure {label.number}** (not generated yet). {caption}\n\n"
                    f"The model draws this figure from a real run; it appears here once "
                    f"`build/figures/{name}.dot` exists (build the model, then `make book`).\n:::")
        return f"![**Figure {label.number}.** {caption}](figures/{name}.svg){{#{label.anchor}}}"

    def _lab_list(self, spec, single) -> str:
        labs = self.match_labs(spec)
        if not labs:
            return ("::: {.lab-box}\n**Lab.** The handout for this part of the story is not "
                    "written yet; when `labs/<id>/README.md` exists it is linked here.\n:::")
        items = []
        for key in labs:
            label = self.labels.get(f"ch:{key}")
            title = label.title if label else key
            items.append(f"- [{title}]({self.href(label, single)})" if label else f"- {title}")
        return "::: {.lab-box}\n**Labs for this chapter**\n\n" + "\n".join(items) + "\n:::"

    def _cite(self, body: str, where: str) -> str:
        parts = []
        for item in body.split(";"):
            item = item.strip()
            if not item.startswith("@msg:"):
                raise BookError(f"{where}: bad citation '[{body}]'; write [@msg:MESSAGE-ID]")
            mid = item[5:].strip().strip("<>")
            m = self.messages.get(mid)
            if m is None:
                raise BookError(f"{where}: cites unknown Message-ID <{mid}>; add its row to "
                                f"data/messages.tsv or fix the ID")
            self.cited.setdefault(mid, [])
            parts.append(f"[{m.author}, {m.short_date}, `<{mid}>`]({m.url}){{.msg}}")
        return "[(" + "; ".join(parts) + ")]{.cite}"

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
        text = {"sec": "Section", "fig": "Figure", "ch": "Chapter", "lab": ""}[kind]
        if kind == "ch" and label.page.kind == "appendix":
            text = "Appendix"
        if kind in ("lab",) or not label.number:
            text = f"*{label.title}*"
        else:
            text = f"{text} {label.number}"
        return f"[{text}]({self.href(label, single)})"

    def message_index(self) -> str:
        rows = ["| # | Date (UTC) | Author | Message-ID | Part |", "|--:|---|---|---|---|"]
        n = 0
        for m in sorted(self.messages.values(), key=lambda m: m.date_utc):
            n += 1
            part = "thread" if m.thread == "thread" else "related"
            rows.append(f"| {n} | {m.when:%Y-%m-%d %H:%M} | {m.author} | "
                        f"[`<{m.message_id}>`]({m.url}) | {part} |")
        return "\n".join(rows) + "\n\n: All archived messages, oldest first. {#tbl-messages}"
