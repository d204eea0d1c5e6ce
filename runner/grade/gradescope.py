"""The Gradescope autograder bundle: the same grader, one student at a time.

  python3 -m runner.grade.gradescope build [--labs ID,...] [--stage model|kernel|all]
                                           [--kernel-tarball FILE] [--out ZIP]
      build/gradescope/autograder.zip: setup.sh, run_autograder, gradescope.json
      and the project's sources (with the kernel stage also guest/ and the
      patch series, and FILE, a release tarball of Linux 2.4.17, if given)
  python3 -m runner.grade.gradescope setup
      from setup.sh, once, when Gradescope builds the image: the model, and
      with the kernel stage the verified 2.4.17 tree and both kernel flavours
  python3 -m runner.grade.gradescope run
      on Gradescope: /autograder/submission is graded as one student and
      /autograder/results/results.json written ($LRULAB_AUTOGRADER moves
      /autograder, for tests)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from runner import deps
from runner.kernel import paths as kernel_paths
from runner.labs import ROOT, LabError

STAGES = ("model", "kernel", "all")          # ./lab grade --stage's values
SOURCES = ["Makefile", "lab", "runner", "model", "labs", "mk/grade.mk", "packages.txt"]
# what the kernel stage adds; the reference fix stays out (it is not in the series)
KERNEL_SOURCES = ["mk/kernel.mk", "guest", "kernel-tree-patches"]
KERNEL_LEFT_OUT = Path("kernel-tree-patches/reference")
CONFIG = "gradescope.json"                   # the labs and stage the bundle grades
TARBALLS = "kernel"                          # the bundle's folder for a release tarball
# the verified 2.4.17 tree stays in the image, where setup put it
CACHE = ROOT / "build" / "cache"
FIXED_TIME = (2002, 2, 12, 0, 0, 0)          # the same sources give the same zip

SETUP = """#!/bin/sh
# Gradescope runs this once, as root, when it builds the autograder's image.
# The packages are packages.txt's groups {groups}, written here by make
# gradescope; apt-get runs only for what dpkg lacks, so an image that has
# them all builds offline.
set -e
cd "$(dirname "$0")"
missing=""
for p in {packages}; do
    dpkg-query -W -f='${{Status}}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "setup: the {count} packages are installed"
fi
exec python3 -m runner.grade.gradescope setup
"""
RUN = """#!/bin/sh
# Gradescope runs this for each submission.
cd "${LRULAB_AUTOGRADER:-/autograder}/source" && exec python3 -m runner.grade.gradescope run
"""


def groups(stage: str) -> list[str]:
    """packages.txt's groups a bundle installs: the model always (the static
    check and the questions need it), the kernel stage's when it boots."""
    return ["model"] if stage == "model" else ["model", "kernel"]


def _add(zf: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def _files(stage: str) -> list[Path]:
    out = []
    for src in SOURCES + (KERNEL_SOURCES if stage != "model" else []):
        p = ROOT / src
        for f in [p] if p.is_file() else sorted(p.rglob("*")) if p.is_dir() else []:
            rel = f.relative_to(ROOT)
            if f.is_file() and "__pycache__" not in f.parts and \
                    KERNEL_LEFT_OUT not in rel.parents:
                out.append(f)
    return out


def check_tarball(tarball: Path) -> None:
    """A release tarball setup can hand to make kernel-src (which verifies it)."""
    if not tarball.is_file():
        raise LabError(f"--kernel-tarball {tarball}: not a file")
    if not tarball.name.startswith(kernel_paths.TREE_NAME + ".tar."):
        raise LabError(f"--kernel-tarball {tarball}: not {kernel_paths.TREE_NAME}.tar.*")


def build(out: Path, labs: list[str] | None, stage: str = "model",
          tarball: Path | None = None) -> Path:
    if tarball is not None:
        if stage == "model":
            raise LabError("--kernel-tarball: the model stage boots no kernel "
                           "(--stage kernel or all)")
        check_tarball(tarball)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    pkgs = deps.packages(groups(stage))
    setup = SETUP.format(groups=" ".join(groups(stage)), packages=" ".join(pkgs),
                         count=len(pkgs))
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "setup.sh", setup.encode(), 0o755)
        _add(zf, "run_autograder", RUN.encode(), 0o755)
        _add(zf, CONFIG, (json.dumps({"labs": labs or [], "stage": stage}) + "\n").encode(),
             0o644)
        for f in _files(stage):
            _add(zf, str(f.relative_to(ROOT)), f.read_bytes(),
                 0o755 if os.access(f, os.X_OK) else 0o644)
        if tarball is not None:
            # already compressed: stored as it is
            info = zipfile.ZipInfo(f"{TARBALLS}/{tarball.name}", FIXED_TIME)
            info.external_attr = 0o644 << 16
            with tarball.open("rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    tmp.replace(out)
    return out


def config() -> tuple[list[str] | None, str]:
    """(labs, stage) the bundle was made for; a bundle without gradescope.json
    (an older one) grades every lab in the model."""
    try:
        data = json.loads((ROOT / CONFIG).read_text())
    except OSError:
        return None, "model"
    return [i for i in data.get("labs", []) if i] or None, data.get("stage", "model")


def _make(*args: str) -> None:
    subprocess.run(["make", "-s", *args], cwd=ROOT, check=True)


def setup() -> int:
    """Everything a submission would otherwise build: the model and, with the
    kernel stage, the verified tree and both flavours (each submission then
    compiles only its lab object, relinks and boots)."""
    os.environ.setdefault("LRULAB_CACHE", str(CACHE))
    _, stage = config()
    start = time.monotonic()
    _make("model")
    if stage != "model":
        tarballs = sorted((ROOT / TARBALLS).glob(kernel_paths.TREE_NAME + ".tar.*"))
        # make kernel-src verifies the tree against the pinned checksums
        _make("kernel-src", *([f"KERNEL_TARBALL={tarballs[0]}"] if tarballs else []))
        _make("kernel")
    print(f"setup: {stage} stage built in {time.monotonic() - start:.1f} s", flush=True)
    return 0


def _fail(base: Path, why: str) -> int:
    """The image cannot grade: say so in results.json, where Gradescope shows it."""
    (base / "results").mkdir(parents=True, exist_ok=True)
    (base / "results" / "results.json").write_text(json.dumps(
        {"score": 0, "output": f"The autograder could not grade: {why}. Nothing was "
         "graded; ask the instructor to rebuild the autograder.", "tests": []}) + "\n")
    print(f"gradescope: {why}", file=sys.stderr)
    return 1


def run() -> int:
    from runner.grade.batch import Batch
    from runner.kernel import stage as kernel_stage
    os.environ.setdefault("LRULAB_CACHE", str(CACHE))
    base = Path(os.environ.get("LRULAB_AUTOGRADER", "/autograder"))
    labs, stage = config()
    if stage != "model" and not kernel_stage.tree_available():
        return _fail(base, f"--stage {stage}: setup.sh left no kernel tree "
                     f"({kernel_stage.NO_TREE})")
    name = "student"
    try:
        meta = json.loads((base / "submission_metadata.json").read_text())
        name = meta["users"][0]["name"] or name
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        pass
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        shutil.copytree(base / "submission", subs / name.replace("/", "_"), symlinks=True)
        out = Path(tmp) / "out"
        # one student: one worker, in the kernel trees setup.sh built
        Batch(subs, out, labs, 1, True, 60, stage=stage,
              kernel_build=kernel_paths.build_dir() if stage != "model" else None).run()
        results = next((out / "students").glob("*/results.json"))
        (base / "results").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results, base / "results" / "results.json")
    return 0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python3 -m runner.grade.gradescope",
                                description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--labs", help="comma-separated lab ids (default: all)")
    b.add_argument("--stage", default="model", choices=STAGES,
                   help="as ./lab grade --stage (default: model)")
    b.add_argument("--kernel-tarball", metavar="FILE",
                   help=f"{kernel_paths.TREE_NAME}.tar.* to put in the bundle "
                   "(default: setup downloads it from kernel.org)")
    b.add_argument("--out", default=str(ROOT / "build" / "gradescope" / "autograder.zip"))
    sub.add_parser("setup")
    sub.add_parser("run")
    args = p.parse_args(argv)
    try:
        if args.cmd == "build":
            labs = [i for i in (args.labs or "").split(",") if i]
            from runner.labs import load
            for i in labs:
                load(i)                 # an unknown id is bad input
            tarball = Path(args.kernel_tarball) if args.kernel_tarball else None
            print(build(Path(args.out), labs, args.stage, tarball))
            return 0
        if args.cmd == "setup":
            return setup()
        return run()
    except LabError as e:
        print(f"gradescope: {e}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as e:
        print(f"gradescope: {' '.join(e.cmd)} failed (exit {e.returncode})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
