"""One whole-book build per test process, shared by the test modules that read it."""
import atexit
import functools
import pathlib
import shutil
import tempfile

from runner.book.build import build

from tests.util import ROOT
TOOLS = [t for t in ("pandoc", "dot", "weasyprint") if shutil.which(t) is None]
SKIP = f"book tools missing: {' '.join(TOOLS)} (make book-deps installs them)" if TOOLS else ""


@functools.lru_cache(maxsize=None)
def whole_book():
    """(build Result, output folder) of the real book in all three formats."""
    out = pathlib.Path(tempfile.mkdtemp(prefix="book-out-"))
    atexit.register(shutil.rmtree, out, True)
    return build(ROOT, out), out
