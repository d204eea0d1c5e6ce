"""Where the project's things are: the one place that knows the repository root."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABS_DIR = ROOT / "labs"
BUILD = ROOT / "build"
# students' files; tests point it elsewhere
WORK = Path(os.environ.get("LRULAB_WORK", ROOT / "work"))
