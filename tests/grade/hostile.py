"""The test class: tests/grade/class/<student>/ (each with its expected.json)
plus the submissions too big or too strange to commit, generated here, each
with its expected verdict next to the code that makes it.

expected: {"total": N, "labs": {ID: {"score": N, "verdict": substring,
"output": substring}}, "notes": [substrings], "error": substring}
"""
import io
import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

from runner.skeleton import make_skeleton, strip_markers
from tests.util import ROOT

HERE = Path(__file__).resolve().parent
LABS = ["03-do-wp-page", "01-race-0207"]
L3 = "03-do-wp-page"
SOLUTION = strip_markers((ROOT / "labs" / L3 / "solution.c").read_text())
SKELETON = make_skeleton((ROOT / "labs" / L3 / "solution.c").read_text(), L3)
L1 = "01-race-0207"


def answers(student: str, lab_id: str, only: list[str] | None = None) -> str:
    """The model's own answers to the student's instances of a lab's questions
    (each student has their own: runner/model/questions.py)."""
    from runner import labs
    from runner.model import questions
    lab = labs.load(lab_id)
    lines = []
    for q in lab.questions:
        if only is None or q.id in only:
            n = questions.instance_for(student, lab, q)
            lines.append(f"{q.id}: {questions.solve(lab, q, n)}")
    return "\n".join(lines) + "\n"
ESCAPE = "lrulab-escaped-file.txt"      # must never appear outside the intake folder


def _tree(base: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)


def _tar(path: Path, files: dict[str, bytes | int]) -> None:
    """int: that many zero bytes, streamed (an archive bomb stays small)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            if isinstance(data, int):
                info.size = data
                tar.addfile(info, _Zeros(data))
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


class _Zeros(io.RawIOBase):
    def __init__(self, n: int) -> None:
        self.left = n

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return bytes(size)


def _zip(path: Path, files: dict[str, bytes | int]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            if isinstance(data, int):
                with zf.open(zipfile.ZipInfo(name), "w", force_zip64=True) as f:
                    chunk = bytes(1 << 20)
                    for _ in range(data >> 20):
                        f.write(chunk)
            else:
                zf.writestr(zipfile.ZipInfo(name), data)


def honest(root: Path) -> dict[str, dict]:
    """Full marks, partial, zero, and a .tgz as ./lab start leaves work/."""
    _tree(root / "honest-full", {f"{L3}/lab.c": SOLUTION,
                                 f"{L3}/answers.txt": answers("honest-full", L3),
                                 f"{L1}/answers.txt": answers("honest-full", L1)})
    _tree(root / "honest-partial", {
        f"{L3}/lab.c": (ROOT / "labs" / L3 / "bad" / "plain-release.c").read_text(),
        f"{L3}/answers.txt": answers("honest-partial", L3),
        f"{L1}/answers.txt": answers("honest-partial", L1, ["q1"])})
    _tree(root / "honest-zero", {f"{L3}/lab.c": SKELETON})
    _tar(root / "honest-tgz.tgz", {f"honest-tgz/work/{L3}/lab.c": SOLUTION.encode(),
                                   f"honest-tgz/work/{L3}/answers.txt":
                                   answers("honest-tgz", L3).encode()})
    return {
        "honest-full": {"total": 200, "labs": {L3: {"score": 100, "verdict": "graded"},
                                               "01-race-0207": {"score": 100}}},
        "honest-partial": {"total": 105, "labs": {L3: {"score": 75, "verdict": "graded"},
                                                  "01-race-0207": {"score": 30}}},
        "honest-zero": {"total": 0, "labs": {L3: {"score": 0, "verdict": "graded"}}},
        "honest-tgz": {"total": 100, "labs": {L3: {"score": 100, "verdict": "graded"}}},
    }


def generated(root: Path, escape_dir: Path) -> dict[str, dict]:
    exp: dict[str, dict] = {}
    _tree(root / "binary-garbage", {f"{L3}/lab.c": bytes(range(256)) * 64})
    exp["binary-garbage"] = {"total": 0, "labs": {L3: {"verdict": "binary data"}}}

    big = root / "huge-source" / L3 / "lab.c"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as f:
        f.truncate(50 << 20)
    exp["huge-source"] = {"total": 0, "labs": {L3: {
        "verdict": "52428800 bytes, more than the 64 KiB a lab.c may have"}}}

    rel = os.path.relpath(escape_dir / ESCAPE, root / "x" / "y")
    _tar(root / "tar-dotdot.tar.gz", {f"{L3}/lab.c": SOLUTION.encode(),
                                      f"{L3}/answers.txt":
                                      answers("tar-dotdot", L3).encode(),
                                      rel: b"escaped\n", f"../../{ESCAPE}": b"escaped\n"})
    exp["tar-dotdot"] = {"total": 100, "notes": ["path leaves the submission"]}

    _zip(root / "zip-absolute.zip", {f"{L3}/lab.c": SOLUTION.encode(),
                                     str(escape_dir / ESCAPE): b"escaped\n"})
    exp["zip-absolute"] = {"total": 90, "notes": ["absolute path"]}

    (root / "symlink-outside" / L3).mkdir(parents=True)
    os.symlink("/etc/passwd", root / "symlink-outside" / L3 / "lab.c")
    os.symlink("/", root / "symlink-outside" / "everything")
    exp["symlink-outside"] = {"total": 0, "labs": {L3: {"verdict": "not submitted"}},
                              "notes": ["a symbolic link"]}
    os.symlink(root / "honest-full", root / "linked-student")   # not graded at all

    _tar(root / "archive-bomb.tar.gz", {f"{L3}/lab.c": SOLUTION.encode(),
                                        "padding.bin": 200 << 20})
    exp["archive-bomb"] = {"total": 0, "error": "archive bomb"}
    _zip(root / "zip-bomb.zip", {f"{L3}/lab.c": SOLUTION.encode(), "padding.bin": 200 << 20})
    exp["zip-bomb"] = {"total": 0, "error": "archive bomb"}

    (root / "corrupt-archive.zip").write_bytes(os.urandom(4096))
    exp["corrupt-archive"] = {"total": 0, "error": "not a readable .zip"}

    weird = os.fsencode(str(root)) + b"/caf\xe9-\xff"
    os.makedirs(weird + b"/" + L3.encode())
    with open(weird + b"/" + L3.encode() + b"/lab.c", "wb") as f:
        f.write(SOLUTION.encode())
    with open(weird + b"/" + L3.encode() + b"/\xfe\xfe.c", "wb") as f:
        f.write(b"x")
    exp["caf_-_"] = {"total": 90, "labs": {L3: {"score": 90}},
                                "notes": ["not UTF-8"]}

    _tree(root / "dup", {f"{L3}/lab.c": SOLUTION})
    _zip(root / "dup.zip", {f"{L3}/lab.c": SKELETON.encode()})
    exp["dup"] = {"total": 90, "notes": ["duplicate student name"]}
    exp["dup~2"] = {"total": 0, "notes": ["duplicate student name"]}

    _tree(root / "answer-10mb", {"01-race-0207/answers.txt":
                                 "q1: " + "0 " * (5 << 20) + "\n"})
    exp["answer-10mb"] = {"total": 0, "labs": {"01-race-0207": {"score": 0}},
                          "notes": ["answers.txt: 10485765 bytes; answers are short lines"]}
    _tree(root / "answer-bad-syntax", {f"{L1}/answers.txt": "Q1: 0*x 1 ((\n" +
                                       answers("answer-bad-syntax", L1, ["q2", "q3", "q4"])})
    exp["answer-bad-syntax"] = {"total": 70, "labs": {L1: {
        "score": 70, "verdict": "graded", "output": "no answer for q1"}}}
    _tree(root / "missing-lab-folder", {f"{L1}/answers.txt":
                                        answers("missing-lab-folder", L1, ["q1"])})
    exp["missing-lab-folder"] = {"total": 30, "labs": {
        L3: {"score": 0, "verdict": "not submitted"}, L1: {"score": 30, "verdict": "graded"}},
        "notes": ["no 03-do-wp-page/ in the submission"]}
    (root / "README.txt").write_text("not a submission\n")
    return exp


def build_class(root: Path, escape_dir: Path) -> dict[str, dict]:
    """Every student of the test class in root; returns key -> expected."""
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, dict] = {}
    for d in sorted((HERE / "class").iterdir()):
        shutil.copytree(d, root / d.name, ignore=shutil.ignore_patterns("expected.json"))
        expected[d.name] = json.loads((d / "expected.json").read_text())
    expected.update(honest(root))
    expected.update(generated(root, escape_dir))
    return expected
