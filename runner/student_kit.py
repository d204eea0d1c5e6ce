"""make student-kit: the tree a class gets, without what would give answers away.

Leaves out each lab's solution.c, answer key, bad variants and correct
rewrites, and the
project's own tests; puts in each lab's skeleton.c (what ./lab start
copies) and the fix-0212 reference compiled, linked into one object per
build flavour and stripped (model/ref/), which the model links when the
solutions are absent.
"""
import argparse
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from runner.labs import BUILD, ROOT, all_labs
from runner.skeleton import make_skeleton

LEFT_OUT_NAMES = {"solution.c", "answers.txt"}
# GitHub Classroom's workflow: where GitHub runs it in a student's repository
WORKFLOW = Path("runner/grade/classroom-workflow.yml")
WORKFLOW_IN_KIT = Path(".github/workflows/lrulab.yml")


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                         check=True).stdout.decode().split("\0")
    return [Path(p) for p in out if p]


def left_out(rel: Path) -> bool:
    parts = rel.parts
    if parts[0] == "labs" and (rel.name in LEFT_OUT_NAMES or parts[2:3] in (("bad",), ("good",))):
        return True
    if parts[:2] == ("kernel-tree-patches", "reference"):
        return True             # the whole fix, for instructors
    if rel in (Path("README.md"), Path("docs/student-kit.md")):
        return True             # the kit has its own README (docs/student-kit.md)
    return parts[0] in ("tests", ".ci") or rel.name == "student_kit.py" or rel == WORKFLOW


def build_kit(out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    for rel in tracked_files():
        if left_out(rel) or not (ROOT / rel).exists():
            continue
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)
    shutil.copy2(ROOT / "docs" / "student-kit.md", out / "README.md")
    (out / WORKFLOW_IN_KIT).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / WORKFLOW, out / WORKFLOW_IN_KIT)
    for lab in all_labs():
        if lab.has_code:
            (out / "labs" / lab.id / "skeleton.c").write_text(
                make_skeleton(lab.solution.read_text(), lab.id))
    ref = out / "model" / "ref"
    ref.mkdir(parents=True, exist_ok=True)
    for flavour in ("fast", "san"):
        objs = sorted((BUILD / "model" / flavour).glob("ref-*.o"))
        dest = ref / f"{flavour}-ref.o"
        # one object, no symbols but the hooks it defines and the API it calls
        subprocess.run(["ld", "-r", "-o", str(dest), *map(str, objs)], check=True)
        subprocess.run(["strip", "--strip-unneeded", str(dest)], check=True)
    archive = out.with_suffix(".tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(out, arcname="lrulab")
    return archive


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(BUILD / "student-kit"))
    args = parser.parse_args(argv)
    archive = build_kit(Path(args.out))
    print(f"student kit: {args.out}/ and {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
