"""The patch series in kernel-tree-patches/ (quilt layout, `patch -p1` in order)."""
from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import paths


class PatchError(Exception):
    """A patch does not apply; the message names it."""


@dataclass(frozen=True)
class Touch:
    """One file a patch touches: `new` when the patch creates it."""
    path: str
    new: bool


def series(patches_dir: Path = paths.PATCHES) -> list[Path]:
    """The patches listed in `series`, in order (quilt: '#' comments, options ignored)."""
    out = []
    for raw in (patches_dir / "series").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(patches_dir / line.split()[0])
    return out


def touched(patch: Path) -> list[Touch]:
    """Files a unified diff touches, with the first path component stripped (-p1)."""
    result: list[Touch] = []
    old = None
    for line in patch.read_text(encoding="latin-1").splitlines():
        if line.startswith("--- "):
            old = line[4:].split("\t")[0].strip()
        elif line.startswith("+++ ") and old is not None:
            new = line[4:].split("\t")[0].strip()
            name = new if new != "/dev/null" else old
            result.append(Touch(name.split("/", 1)[1], old == "/dev/null"))
            old = None
    return result


def all_touched(patches_dir: Path = paths.PATCHES) -> dict[str, bool]:
    """Every file the series touches -> True if the series creates it."""
    files: dict[str, bool] = {}
    for patch in series(patches_dir):
        for t in touched(patch):
            files.setdefault(t.path, t.new)
    return files


def apply(tree: Path, patches_dir: Path = paths.PATCHES,
          only: list[Path] | None = None) -> None:
    """Apply the series (or the patches in `only`, in order) to `tree` with patch -p1,
    stopping at the first failure."""
    for patch in (only if only is not None else series(patches_dir)):
        with patch.open("rb") as f:
            proc = subprocess.run(
                ["patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch", "-s"],
                cwd=tree, stdin=f, capture_output=True, text=True)
        if proc.returncode != 0:
            detail = (proc.stdout + proc.stderr).strip().splitlines()
            raise PatchError(f"{patch.relative_to(patches_dir)} does not apply: "
                             f"{detail[0] if detail else 'patch failed'}")


def digest(patches_dir: Path = paths.PATCHES, extra: tuple[Path, ...] = ()) -> str:
    """A hash of the series, every patch in it and `extra` files: a build tree's identity."""
    h = hashlib.sha256()
    for p in [patches_dir / "series", *series(patches_dir), *extra]:
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
