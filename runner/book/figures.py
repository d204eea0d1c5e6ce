"""Where each figure comes from, and rendering Graphviz sources to SVG.

Three homes, looked up in this order:
  figures/NAME.dot          drawn by hand, in the repository
  build/figures/NAME.dot    drawn by the model from a real run (may not exist yet)
  GENERATED_HERE            drawn by the book build itself (the reply tree)
"""
import pathlib
import re
import subprocess

from . import messages as msgs
from . import traces

# Runs the model makes for the book (Makefile: build/figures/NAME.txt is lrusim's report,
# NAME.dot its timeline).  A chapter shows one as ![Caption](run:NAME): a compact table of
# the report's trace, with a link to the full timeline.  The book shows a placeholder
# note while they are missing, so a fresh checkout still builds.
MODEL_FIGURES = ("race-0207", "deadlock-pre9")
GENERATED_HERE = ("reply-tree",)


class Figures:
    def __init__(self, root: pathlib.Path, messages):
        self.root = root
        self.messages = messages

    def source(self, name: str):
        """The .dot path for a figure, or None if it cannot be drawn (yet)."""
        for folder in (self.root / "figures", self.root / "build" / "figures"):
            path = folder / f"{name}.dot"
            if path.is_file():
                return path
        return None

    def exists(self, name: str) -> bool:
        return name in GENERATED_HERE or self.source(name) is not None

    def model_run(self, name: str, caption: str, link: bool = True):
        """Markdown of a model run as a table, or None while the model has not made it.
        link: add a link to the full timeline (the site has the SVG; EPUB and PDF not)."""
        report = self.root / "build" / "figures" / f"{name}.txt"
        if not report.is_file():
            return None
        table = traces.markdown(report.read_text(encoding="utf-8"), caption)
        if link and self.source(name) is not None:
            table += (f"\n[The model's full timeline of this run (SVG)](figures/{name}.svg)"
                      f"{{.full-timeline}}\n")
        return table

    def dot_text(self, name: str) -> str:
        if name == "reply-tree":
            return msgs.reply_tree_dot(self.messages)
        return self.source(name).read_text(encoding="utf-8")


def render_svg(dot_text: str, out: pathlib.Path, label: str) -> None:
    """dot -Tsvg; raises RuntimeError with dot's first error line."""
    out.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["dot", "-Tsvg", "-o", str(out)], input=dot_text, text=True,
                       capture_output=True)
    if r.returncode != 0:
        first = (r.stderr.strip().splitlines() or ["(no message)"])[0]
        raise RuntimeError(f"{label}: dot failed: {first}")


def svg_metrics(svg_text: str) -> dict:
    """Natural size (pt), viewBox width and smallest font size (user units) of a dot SVG."""
    head = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([^"]+)"', svg_text)
    if not head:
        raise ValueError("not a Graphviz SVG (no width/height in pt and viewBox)")
    scale = re.search(r'class="graph" transform="scale\(([\d.]+)', svg_text)
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg_text)]
    return {"width_pt": float(head.group(1)), "height_pt": float(head.group(2)),
            "viewbox_width": float(head.group(3).split()[2]),
            "graph_scale": float(scale.group(1)) if scale else 1.0,
            "min_font": min(sizes) if sizes else 0.0}
