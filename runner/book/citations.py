"""Citations of the archive as numbered notes, and the message list of Appendix C.

A page writes [@msg:ID] (or [@msg:ID; @msg:ID2]); the text shows a superscript note
number, and the page ends with its notes: author, date, subject, the Message-ID linked
to lore.kernel.org, and the message's entry in Appendix C.  One number per message per
page, however often the page cites it; each note links back to every place that cites
it, and each Appendix C entry links to every note that cites it.
"""
import re

from .messages import Message

MSG_PREFIX = "@msg:"


class CitationError(ValueError):
    """A bad citation; str() is the reason, without the file and line."""


def parse(body: str, messages: dict[str, Message]) -> list[str]:
    """Message-IDs of one '[@msg:A; @msg:B]' body, in order; CitationError if bad."""
    mids = []
    for item in body.split(";"):
        item = item.strip()
        if not item.startswith(MSG_PREFIX):
            raise CitationError(f"bad citation '[{body}]'; write [@msg:MESSAGE-ID]")
        mid = item[len(MSG_PREFIX):].strip().strip("<>")
        if mid not in messages:
            raise CitationError(f"cites unknown Message-ID <{mid}>; add its row to "
                                f"data/messages.tsv or fix the ID")
        mids.append(mid)
    return mids


def md_escape(text: str) -> str:
    """Plain text made safe inside pandoc Markdown."""
    return re.sub(r"([\\`*_\[\]<>#$@^~|])", r"\\\1", text)


def note_ref(n: int, k: int, prefix: str) -> str:
    """The superscript mark for the k-th citation of note n on a page."""
    return f"[[{n}](#{prefix}note-{n})]{{#{prefix}cite-{n}-{k} .noteref}}"


def describe(m: Message, number: int, entry_href: str) -> str:
    """One note's text: who, when, what, where to read it."""
    return (f"{md_escape(m.author)}, {m.short_date} {m.when:%H:%M} UTC, "
            f"“{md_escape(m.subject)}”, [`<{m.message_id}>`]({m.url}){{.msg}}; "
            f"[message {number} in Appendix C]({entry_href})")


def notes_block(notes: list[tuple[int, str, int]], messages, numbering, entry_href,
                prefix: str) -> str:
    """The notes that end a page: notes is [(n, Message-ID, times cited)]."""
    if not notes:
        return ""
    items = []
    for n, mid, times in notes:
        back = " ".join(f"[↩](#{prefix}cite-{n}-{k}){{.noteback}}" for k in range(1, times + 1))
        number = numbering[mid]
        items.append(f"{n}. []{{#{prefix}note-{n}}}"
                     f"{describe(messages[mid], number, entry_href(number))} {back}")
    return "\n::: {.notes}\n**Notes**\n\n" + "\n".join(items) + "\n:::\n"


def message_index(messages: dict[str, Message], numbering: dict[str, int],
                  cited: dict[str, list], where_label, note_href) -> str:
    """Appendix C: every message, oldest first, with its gist and where it is cited.

    cited: Message-ID -> [(page, note number)]; where_label(page) -> "Chapter 3";
    note_href(page, n) -> link to that note."""
    out = ["::: {.msg-index}"]
    for m in sorted(messages.values(), key=lambda m: numbering[m.message_id]):
        n = numbering[m.message_id]
        part = "" if m.thread == "thread" else " (another thread)"
        places = [f"[{where_label(p)}, note {k}]({note_href(p, k)})"
                  for p, k in cited.get(m.message_id, [])]
        cited_in = "; ".join(places) if places else "not cited in the text"
        out.append(f"[]{{#msg-{n}}}**{n}.** {md_escape(m.author)}, {m.when:%Y-%m-%d %H:%M} "
                   f"UTC{part}: {md_escape(m.gist)}\\\n"
                   f"[`<{m.message_id}>`]({m.url}){{.msg}} · *cited in* {cited_in}\n")
    out.append(":::")
    return "\n".join(out)
