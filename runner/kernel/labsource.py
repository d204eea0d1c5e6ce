"""The kernel world's rule for a lab.c's text: no preprocessor conditionals.

A lab.c is compiled in two worlds with different predefined macros
(__KERNEL__, CONFIG_SMP, __x86_64__...).  With #if/#ifdef a file could
behave one way in the model and another in the kernel, so the verdicts of
the two worlds would no longer be about the same code.  #error is refused
with them: it is only useful behind a conditional.

check_no_conditionals() is written to move as is into the shared static
check (runner/static_check.py): it raises static_check.StaticCheckError
with a one-line reason naming the file and the line.

What counts as a directive is what the C preprocessor sees: after
trigraphs (-std=c11 enables them: ??= is #), line splices (a backslash at
the end of a line, also spelled ??/), and comments; a line whose first
token is # or the digraph %: starts a directive, whose name may follow
after blanks or comments.
"""
from __future__ import annotations

import re
from pathlib import Path

from runner.static_check import StaticCheckError

FORBIDDEN = {
    "if": "conditional compilation", "ifdef": "conditional compilation",
    "ifndef": "conditional compilation", "elif": "conditional compilation",
    "elifdef": "conditional compilation", "elifndef": "conditional compilation",
    "else": "conditional compilation", "endif": "conditional compilation",
    "error": "#error", "warning": "#warning",
}
TRIGRAPHS = {"=": "#", "/": "\\", "'": "^", "(": "[", ")": "]", "!": "|",
             "<": "{", ">": "}", "-": "~"}


def _phases(src: str) -> tuple[str, list[int]]:
    """Translation phases 1-3 as far as directives care: trigraphs replaced,
    splices joined, comments and literals blanked.  Returns the text and,
    for each of its characters, the 1-based source line it came from."""
    out: list[str] = []
    lines: list[int] = []
    line = 1
    i, n = 0, len(src)
    chars: list[tuple[str, int]] = []
    while i < n:                      # trigraphs and splices
        c = src[i]
        if c == "?" and src.startswith("??", i) and i + 2 < n and src[i + 2] in TRIGRAPHS:
            c = TRIGRAPHS[src[i + 2]]
            i += 3
        else:
            i += 1
        if c == "\\":
            j = i
            while j < n and src[j] in " \t":      # gcc accepts blanks after \
                j += 1
            if j < n and src[j] == "\n":
                line += 1
                i = j + 1
                continue
            if src.startswith("\r\n", j):
                line += 1
                i = j + 2
                continue
        chars.append((c, line))
        if c == "\n":
            line += 1
    k, m = 0, len(chars)
    while k < m:                      # comments and literals
        c, ln = chars[k]
        nxt = chars[k + 1][0] if k + 1 < m else ""
        if c == "/" and nxt == "*":
            k += 2
            while k < m and not (chars[k][0] == "*" and k + 1 < m and chars[k + 1][0] == "/"):
                if chars[k][0] == "\n":
                    out.append("\n")
                    lines.append(chars[k][1])
                k += 1
            k += 2
            out.append(" ")
            lines.append(ln)
            continue
        if c == "/" and nxt == "/":
            while k < m and chars[k][0] != "\n":
                k += 1
            continue
        if c in "\"'":
            quote = c
            k += 1
            while k < m and chars[k][0] not in (quote, "\n"):
                k += 2 if chars[k][0] == "\\" else 1
            k += 1
            out.append("0")
            lines.append(ln)
            continue
        out.append(c)
        lines.append(ln)
        k += 1
    return "".join(out), lines


def check_no_conditionals(path: Path, label: str) -> None:
    """Raise StaticCheckError if the file has #if/#ifdef/.../#endif or #error."""
    try:
        src = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as e:
        raise StaticCheckError(f"{label}: cannot read ({e.strerror})") from None
    text, lines = _phases(src)
    pos = 0
    for logical in text.split("\n"):
        m = re.match(r"[ \t\f\v]*(#|%:)[ \t\f\v]*([A-Za-z_]\w*)?", logical)
        if m and m.group(2) in FORBIDDEN:
            name = m.group(2)
            where = lines[pos + m.start(1)] if pos + m.start(1) < len(lines) else 0
            what = FORBIDDEN[name]
            raise StaticCheckError(
                f"{label}:{where}: #{name}: {what} is not allowed in a lab (the model and "
                f"the kernel must compile the same code); remove it")
        pos += len(logical) + 1
