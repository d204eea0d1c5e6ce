"""Check the built site: every internal href and src points at a file that exists,
and every #fragment at an id in that file.  External links (http, mailto) are not
followed: the site must work offline, so they are only ever citations.
"""
import pathlib
import urllib.parse
from html.parser import HTMLParser


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if a.get(attr) and not (tag == "link" and a.get("rel") == "canonical"):
                self.refs.append((tag, a[attr]))


def scan(path: pathlib.Path):
    s = _Scan()
    s.feed(path.read_text(encoding="utf-8"))
    return s


def check_site(folder: pathlib.Path) -> list:
    """One line per broken link: 'page.html: <tag> href -> problem'."""
    if not (folder / "index.html").is_file():
        return [f"{folder}: no index.html; run make book first"]
    pages = {p: scan(p) for p in sorted(folder.glob("*.html"))}
    problems = []
    for page, s in pages.items():
        for tag, ref in s.refs:
            url = urllib.parse.urlsplit(ref)
            if url.scheme or ref.startswith("//"):
                if url.scheme not in ("http", "https", "mailto"):
                    problems.append(f"{page.name}: {tag} {ref} -> unexpected scheme")
                continue
            target = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
            if not target.is_file():
                problems.append(f"{page.name}: {tag} {ref} -> missing file")
                continue
            if url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else scan(target).ids
                if urllib.parse.unquote(url.fragment) not in ids:
                    problems.append(f"{page.name}: {tag} {ref} -> no id '{url.fragment}'")
    return problems
