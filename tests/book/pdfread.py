"""Just enough of a PDF reader to check weasyprint's output (standard library only).

Reads the uncompressed object table of a weasyprint PDF (no object streams, no
encryption), the pages in order, each page's content stream (FlateDecode), and the text
it shows: Type0 fonts with Identity-H encoding and a ToUnicode CMap, positioned by Tm.
Also counts the vector drawing (curves and lines) on each page: weasyprint draws an
SVG image inline, as paths, so a page with a Graphviz figure has many curve segments
and a page whose figure failed to load has none (and shows the alt text instead).
"""
import re
import zlib
from dataclasses import dataclass, field

OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
REF = re.compile(rb"(\d+) 0 R")


@dataclass
class Line:
    y: float
    x: float
    text: str
    size: float      # font size in pt, as drawn (Tf size times the text matrix scale)


@dataclass
class PdfPage:
    number: int                              # 1-based
    lines: list = field(default_factory=list)
    curves: int = 0                          # 'c' operators
    segments: int = 0                        # 'l' operators
    dests: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(l.text for l in self.lines)


class Pdf:
    def __init__(self, data: bytes):
        if data[:5] != b"%PDF-":
            raise ValueError("not a PDF")
        self.objs = _objects(data)
        self._cmaps: dict[int, dict] = {}
        self.pages = [self._page(i + 1, n) for i, n in enumerate(self._page_ids())]

    # -- objects --------------------------------------------------------------------
    def dict_of(self, n: int) -> bytes:
        body = self.objs[n]
        return body.split(b"stream", 1)[0]

    def stream(self, n: int) -> bytes:
        body = self.objs[n]
        start = body.index(b"stream") + 6
        if body[start:start + 2] == b"\r\n":
            start += 2
        elif body[start:start + 1] == b"\n":
            start += 1
        raw = body[start:body.rindex(b"\nendstream")]
        return zlib.decompress(raw) if b"/FlateDecode" in body[:start] else raw

    def _page_ids(self) -> list[int]:
        root = next(n for n, b in self.objs.items() if b"/Type /Catalog" in self.dict_of(n))
        pages = int(re.search(rb"/Pages (\d+) 0 R", self.dict_of(root)).group(1))
        return self._kids(pages)

    def _kids(self, n: int) -> list[int]:
        d = self.dict_of(n)
        if b"/Type /Page\n" in d or b"/Type /Page " in d or d.rstrip().endswith(b"/Type /Page"):
            return [n]
        kids = re.search(rb"/Kids \[(.*?)\]", d, re.S)
        out = []
        for k in REF.findall(kids.group(1)) if kids else []:
            out += self._kids(int(k))
        return out

    # -- fonts ----------------------------------------------------------------------
    def _fonts(self, page_dict: bytes) -> dict[bytes, int]:
        res = re.search(rb"/Resources (\d+) 0 R", page_dict)
        d = self.dict_of(int(res.group(1))) if res else page_dict
        f = re.search(rb"/Font (\d+) 0 R", d)
        if f:
            d = self.dict_of(int(f.group(1)))
        else:
            inline = re.search(rb"/Font <<(.*?)>>", d, re.S)
            d = inline.group(1) if inline else b""
        return {name: int(ref) for name, ref in re.findall(rb"/(\w+) (\d+) 0 R", d)}

    def _cmap(self, font: int) -> dict:
        if font not in self._cmaps:
            tu = re.search(rb"/ToUnicode (\d+) 0 R", self.dict_of(font))
            table = {}
            if tu:
                cmap = self.stream(int(tu.group(1))).decode("latin-1")
                for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                    for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                        table[int(src, 16)] = _utf16(dst)
                for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
                    for a, b, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                        base = int(dst, 16)
                        for i, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                            table[code] = chr(base + i)
            self._cmaps[font] = table
        return self._cmaps[font]

    # -- pages ----------------------------------------------------------------------
    def _page(self, number: int, n: int) -> PdfPage:
        d = self.dict_of(n)
        page = PdfPage(number)
        contents = re.search(rb"/Contents (\d+) 0 R", d)
        data = self.stream(int(contents.group(1))).decode("latin-1") if contents else ""
        fonts = self._fonts(d)
        page.curves = len(re.findall(r"(?m) c$", data))
        page.segments = len(re.findall(r"(?m) l$", data))
        runs, cmap, size, pos = [], {}, 0.0, (0.0, 0.0, 1.0)
        for tok in re.finditer(r"/(\w+) ([\d.]+) Tf|([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) Tm"
                               r"|\[(.*?)\] TJ|<([0-9a-fA-F]*)> Tj", data, re.S):
            if tok.group(1):
                ref = fonts.get(tok.group(1).encode())
                cmap = self._cmap(ref) if ref else {}
                size = float(tok.group(2))
            elif tok.group(3):
                a, _, _, dd, e, f = (float(tok.group(i)) for i in range(3, 9))
                pos = (e, f, abs(dd) or abs(a) or 1.0)
            else:
                body = tok.group(9) if tok.group(9) is not None else f"<{tok.group(10)}>"
                text = "".join(_decode(h, cmap) for h in re.findall(r"<([0-9a-fA-F]*)>", body))
                runs.append((round(pos[1], 1), pos[0], text, size * pos[2]))
        lines: dict[float, list] = {}
        for y, x, text, sz in runs:
            lines.setdefault(y, []).append((x, text, sz))
        for y in sorted(lines):
            parts = sorted(lines[y])
            page.lines.append(Line(y, parts[0][0], "".join(t for _, t, _ in parts),
                                   min(s for _, _, s in parts)))
        return page


def _objects(data: bytes) -> dict[int, bytes]:
    """Object number -> its text from 'N 0 obj' to the end of its stream or 'endobj',
    found through the classic xref table (streams may contain any bytes)."""
    start = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    m = re.match(rb"xref\s+(\d+) (\d+)\s+", data[start:])
    if not m:
        raise ValueError("no classic xref table (object streams are not supported)")
    first, count = int(m.group(1)), int(m.group(2))
    table = data[start + m.end():]
    objs = {}
    for i in range(count):
        entry = table[i * 20:(i + 1) * 20]
        offset, kind = int(entry[:10]), entry[17:18]
        if kind != b"n":
            continue
        head = re.match(rb"(\d+) 0 obj", data[offset:offset + 20])
        body_start = offset + head.end()
        dict_end = data.find(b"stream", body_start)
        obj_end = data.find(b"endobj", body_start)
        if dict_end != -1 and dict_end < obj_end:
            length = re.search(rb"/Length (\d+)(?! 0 R)", data[body_start:dict_end])
            s = dict_end + 6
            s += 2 if data[s:s + 2] == b"\r\n" else 1
            end = s + int(length.group(1)) if length else obj_end
            objs[first + i] = data[body_start:end] + b"\nendstream"
        else:
            objs[first + i] = data[body_start:obj_end]
    return objs


def _utf16(hexstr: str) -> str:
    raw = bytes.fromhex(hexstr)
    return raw.decode("utf-16-be", errors="replace")


def _decode(hexstr: str, cmap: dict) -> str:
    return "".join(cmap.get(int(hexstr[i:i + 4], 16), "?") for i in range(0, len(hexstr), 4))
