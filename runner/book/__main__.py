"""python3 -m runner.book COMMAND

  build [--out DIR] [--chapters DIR] [--labs DIR] [--strict] [--no-pdf] [--no-epub]
        render the book (default out: build/book); --strict fails on any pandoc warning
  check [--chapters DIR] [--labs DIR]
        check citations, references and figures only (fast, no pandoc)
  links [DIR]
        check every internal link, anchor and image of the built site (default build/book/html)
  serve [--dir DIR] [--port N]
        serve the site on 127.0.0.1 and print the URL

Exit 0 on success, 1 when the book has a problem (one line naming the file and the fix),
2 on bad usage.
"""
import argparse
import os
import pathlib
import sys

from .source import BookError

from runner.paths import ROOT


def main(argv) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m runner.book", add_help=True)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--out", default=str(ROOT / "build" / "book"))
    for p in (b, sub.add_parser("check")):
        p.add_argument("--chapters")
        p.add_argument("--labs")
    b.add_argument("--strict", action="store_true")
    b.add_argument("--no-pdf", action="store_true")
    b.add_argument("--no-epub", action="store_true")
    lk = sub.add_parser("links")
    lk.add_argument("dir", nargs="?", default=str(ROOT / "build" / "book" / "html"))
    s = sub.add_parser("serve")
    s.add_argument("--dir", default=str(ROOT / "build" / "book" / "html"))
    s.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    try:
        return COMMANDS[args.cmd](args)
    except BookError as e:
        print(f"book: {e}", file=sys.stderr)
        return 1
    except (RuntimeError, FileNotFoundError) as e:   # a tool failed or is not installed
        print(f"book: {e} (make book-deps installs pandoc, graphviz, weasyprint)",
              file=sys.stderr)
        return 1


def cmd_build(args) -> int:
    from .build import build
    formats = ["html"] + ([] if args.no_epub else ["epub"]) + ([] if args.no_pdf else ["pdf"])
    res = build(ROOT, pathlib.Path(args.out), args.chapters, args.labs, formats)
    for w in res.warnings:
        print(f"warning: {w}", file=sys.stderr)
    sizes = ", ".join(f"{k} {_size(v)}" for k, v in res.outputs.items())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"book: {res.pages} pages, {res.figures} figures in {res.seconds:.1f} s "
          f"({res.cpu_seconds:.1f} s CPU, load {load}) -> {args.out} ({sizes})")
    if args.strict and res.warnings:
        print(f"book: {len(res.warnings)} warning(s) with --strict", file=sys.stderr)
        return 1
    return 0


def _size(path: pathlib.Path) -> str:
    if path.name == "index.html":
        total = sum(f.stat().st_size for f in path.parent.rglob("*") if f.is_file())
    else:
        total = path.stat().st_size
    return f"{total / 1024:.0f} KiB"


def cmd_check(args) -> int:
    from .build import prepare
    book, pages, _, warnings = prepare(ROOT, args.chapters, args.labs)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"book: {len(pages)} pages, {len(book.labels)} labels, "
          f"{len(book.cited)} messages cited: ok")
    return 0


def cmd_links(args) -> int:
    from .links import check_site
    problems = check_site(pathlib.Path(args.dir))
    for p in problems:
        print(p)
    print(f"links: {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_serve(args) -> int:
    from .serve import serve
    return serve(pathlib.Path(args.dir), args.port)


COMMANDS = {"build": cmd_build, "check": cmd_check, "links": cmd_links, "serve": cmd_serve}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
