"""Where each figure comes from, and rendering Graphviz sources to SVG.

Three homes, looked up in this order:
  figures/NAME.dot          drawn by hand, in the repository
  build/figures/NAME.dot    drawn by the model from a real run (may not exist yet)
  GENERATED_HERE            drawn by the book build itself (the reply tree)
"""
import pathlib
import subprocess

from . import messages as msgs

# Timelines the model writes from its minimized failing schedules.  The book shows a
# placeholder note while they are missing, so a fresh checkout still builds.
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
