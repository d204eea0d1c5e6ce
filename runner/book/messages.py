"""The message metadata of the archive: data/messages.tsv, one row per message.

Loads the table, builds lore.kernel.org links from Message-IDs and draws the reply
tree.  Nothing here knows about chapters; source.py uses it to check citations.
"""
import csv
import datetime
import urllib.parse
from dataclasses import dataclass

LORE = "https://lore.kernel.org/all/{}/"
FIELDS = ["date_utc", "author", "message_id", "parent_id", "file", "thread", "subject", "gist"]


@dataclass(frozen=True)
class Message:
    date_utc: str      # 2002-02-12T20:19:41Z
    author: str
    message_id: str    # without the angle brackets
    parent_id: str     # "" for a thread root
    file: str
    thread: str        # "thread" or "related"
    subject: str
    gist: str          # one line in our own words: what the message says

    @property
    def when(self) -> datetime.datetime:
        return datetime.datetime.strptime(self.date_utc, "%Y-%m-%dT%H:%M:%SZ")

    @property
    def short_date(self) -> str:
        """'12 Feb 2002'"""
        w = self.when
        return f"{w.day} {w:%b %Y}"

    @property
    def url(self) -> str:
        return lore_url(self.message_id)


def lore_url(message_id: str) -> str:
    """The public archive link for a Message-ID (percent-encoded where needed)."""
    return LORE.format(urllib.parse.quote(message_id, safe="@.-_~+=!"))


class MessageTableError(Exception):
    pass


def load(path) -> dict[str, Message]:
    """Message-ID -> Message, in file order; raises MessageTableError on a bad row."""
    out: dict[str, Message] = {}
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != FIELDS:
        raise MessageTableError(f"{path}: header must be {' '.join(FIELDS)}")
    for n, row in enumerate(reader, start=2):
        if len(row) != len(FIELDS):
            raise MessageTableError(f"{path}: row {n}: expected {len(FIELDS)} tab-separated fields")
        m = Message(*row)
        if m.message_id in out:
            raise MessageTableError(f"{path}: row {n}: duplicate Message-ID <{m.message_id}>")
        m.when  # validates the date
        out[m.message_id] = m
    return out


def numbering(messages: dict[str, Message]) -> dict[str, int]:
    """Message-ID -> its number in Appendix C: all messages, oldest first, from 1.
    The reply tree, the notes and the appendix all use these numbers."""
    ordered = sorted(messages.values(), key=lambda m: (m.date_utc, m.message_id))
    return {m.message_id: n for n, m in enumerate(ordered, start=1)}


def surname(author: str) -> str:
    """'Rik van Riel' -> 'van Riel', 'David S. Miller' -> 'Miller'."""
    words = author.split()
    for i, w in enumerate(words[:-1]):
        if w in ("van", "de", "von"):
            return " ".join(words[i:])
    return words[-1]


def reply_tree_dot(messages: dict[str, Message], thread_only: bool = True) -> str:
    """Graphviz source of the reply tree (edges parent -> reply), drawn top to bottom.
    Each box is one line, "number · author · date", the number from `numbering`."""
    numbers = numbering(messages)
    rows = [m for m in messages.values() if m.thread == "thread" or not thread_only]
    ids = {m.message_id for m in rows}
    out = ["digraph replytree {",
           '  graph [rankdir=TB, nodesep=0.12, ranksep=0.09, fontname="DejaVu Sans"];',
           '  node [shape=box, style="rounded,filled", fillcolor="#f4f4f4", fontsize=10,'
           ' fontname="DejaVu Sans", margin="0.05,0.01", height=0.22];',
           '  edge [arrowsize=0.4, color="#777777"];']
    colours = {"Hugh Dickins": "#dbe9f7", "Linus Torvalds": "#f7e3c6",
               "Andrew Morton": "#e3f2dc", "Andrea Arcangeli": "#f2dcea",
               "Benjamin LaHaise": "#f7f3c6", "Rik van Riel": "#e6e0f5",
               "David S. Miller": "#dcf0f0"}
    for m in sorted(rows, key=lambda m: numbers[m.message_id]):
        n = numbers[m.message_id]
        fill = colours.get(m.author, "#f4f4f4")
        label = f"{n} · {surname(m.author)} · {m.when:%d %b %H:%M}"
        out.append(f'  "{m.message_id}" [label="{label}", fillcolor="{fill}",'
                   f' URL="{m.url}", tooltip="<{m.message_id}>"];')
    for m in rows:
        if m.parent_id in ids:
            out.append(f'  "{m.parent_id}" -> "{m.message_id}";')
    out.append("}")
    return "\n".join(out) + "\n"
