"""The reading order of the book: chapters/ORDER, one page per line.

    00-introduction        a chapter: its file name without .md
    lab 00-orientation     a lab handout: labs/00-orientation/README.md
    # a comment

The order is the order of the sidebar, of previous/next and of the EPUB and PDF, and
it numbers the chapters: the 00- file is the front page, A1-, A2- ... the appendices,
every other chapter gets the next number.  A lab goes before the chapter that gives its
answers away, so adding a lab is one line here.  Without an ORDER file the chapters are
taken in file-name order and the labs go just before the appendices.
"""
import pathlib
from dataclasses import dataclass

FILE = "ORDER"


class OrderError(Exception):
    """A line of chapters/ORDER that names nothing; str() says which and how to fix it."""


@dataclass(frozen=True)
class Entry:
    kind: str      # "chapter" or "lab"
    name: str      # "01-vm-2002", "00-orientation"
    line: int      # 0 when there is no ORDER file


def read(chapters: pathlib.Path, chapter_names: list[str], lab_names: list[str]):
    """(entries in reading order, warnings).  chapter_names / lab_names are what exists.

    Raises OrderError for a chapter file the order leaves out, a chapter it names that
    does not exist, or a line it cannot read.  A lab it names that does not exist is
    skipped (a student kit or a test may lack it); a lab it does not name is a warning
    and goes just before the appendices."""
    path = chapters / FILE
    if not path.is_file():
        entries = [Entry("chapter", n, 0) for n in sorted(chapter_names)]
        return _place_labs(entries, [Entry("lab", n, 0) for n in sorted(lab_names)]), []
    entries, seen = [], set()
    for n, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) == 2 and words[0] == "lab":
            entry = Entry("lab", words[1], n)
        elif len(words) == 1:
            entry = Entry("chapter", words[0], n)
        else:
            raise OrderError(f"chapters/{FILE}:{n}: write a chapter file name without .md, "
                             f"or 'lab ID'; got '{line}'")
        if (entry.kind, entry.name) in seen:
            raise OrderError(f"chapters/{FILE}:{n}: '{line}' is listed twice")
        seen.add((entry.kind, entry.name))
        if entry.kind == "chapter" and entry.name not in chapter_names:
            raise OrderError(f"chapters/{FILE}:{n}: no chapters/{entry.name}.md; "
                             f"fix the name or remove the line")
        if entry.kind == "lab" and entry.name not in lab_names:
            continue
        entries.append(entry)
    missing = sorted(set(chapter_names) - {e.name for e in entries if e.kind == "chapter"})
    if missing:
        raise OrderError(f"chapters/{missing[0]}.md is not in chapters/{FILE}; add a line "
                         f"'{missing[0]}' where it belongs in the reading order")
    unplaced = sorted(set(lab_names) - {e.name for e in entries if e.kind == "lab"})
    warnings = [f"labs/{name}/README.md is not in chapters/{FILE}; it is placed before the "
                f"appendices; add a line 'lab {name}' before the chapter that gives its "
                f"answers away" for name in unplaced]
    return _place_labs(entries, [Entry("lab", n, 0) for n in unplaced]), warnings


def _place_labs(entries: list[Entry], labs: list[Entry]) -> list[Entry]:
    """Insert labs just before the first appendix (or at the end)."""
    for i, e in enumerate(entries):
        if e.kind == "chapter" and e.name[:1] == "A":
            return entries[:i] + labs + entries[i:]
    return entries + labs
