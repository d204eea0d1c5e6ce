"""./lab submit [ID...]: the pre-flight before handing in, then the archive.

For each lab: the static check (the grader's own build), the layout and
names the grader takes (work/ID/lab.c, work/ID/answers.txt), answers.txt's
syntax (`qN: answer` lines, known ids, whole numbers, schedules that
lrusim's own parser reads), and in a git repository that both files are
committed as they are.  Then build/submit/STUDENT.zip with ID/lab.c and
ID/answers.txt, which ./lab grade and Gradescope take, unpacked again by the
grader's own code to prove it.  Exit 0 only when the archive would grade;
else each problem on one line, naming the file and the fix, and exit 2.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from runner import labs, static_check
from runner.grade import submissions
from runner.labs import BUILD, Lab, LabError
from runner.model import lrusim
from runner.model.build import build_lab_binary
from runner.model.questions import MAX_ANSWERS_BYTES

OUT = BUILD / "submit"
STAMP = (2002, 2, 12, 0, 0, 0)      # the same bytes for the same work
# what ./lab leaves in work/ID/ besides the hand-in: not a problem, not sent
OURS = {"feedback"}


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)   # refusals, one line each
    notes: list[str] = field(default_factory=list)      # said, not refused
    files: dict[str, Path] = field(default_factory=dict)  # name in the archive -> file


def schedule_error(text: str) -> str | None:
    """lrusim's own parser on a schedule: its one-line complaint, or None.
    (--list returns before anything runs, after every --strategy is parsed.)"""
    proc = subprocess.run([str(lrusim.LRUSIM), "--strategy", f"replay:{text}", "--list"],
                          capture_output=True, text=True, timeout=30)
    if proc.returncode == 0:
        return None
    line = (proc.stderr.strip().splitlines() or ["lrusim refused it"])[-1]
    return line.removeprefix("lrusim: --strategy: ").removesuffix(" (see lrusim --help)")


def check_answers(lab: Lab, path: Path, label: str, v: Verdict) -> None:
    """answers.txt as the grader reads it: `ID: answer` lines, # comments."""
    if path.stat().st_size > MAX_ANSWERS_BYTES:
        v.problems.append(f"{label}: {path.stat().st_size} bytes; answers are short "
                          f"lines (at most {MAX_ANSWERS_BYTES // 1024} KiB)")
        return
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        v.problems.append(f"{label}: not UTF-8 text; save it as plain text")
        return
    known = {q.id: q for q in lab.questions}
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if ":" not in line:
            v.problems.append(f"{label}:{n}: {line[:30]!r} is not `ID: answer` (the grader "
                              "would skip it); write e.g. `q1: 0*5 1`")
            continue
        qid, answer = (s.strip() for s in line.split(":", 1))
        if qid not in known:
            v.problems.append(f"{label}:{n}: no question {qid!r} in {lab.id} (its questions "
                              f"are {', '.join(known) or 'none'}); fix the id")
            continue
        if qid in seen:
            v.problems.append(f"{label}:{n}: {qid} answered again (first on line "
                              f"{seen[qid]}); keep one line per question")
            continue
        seen[qid] = n
        q = known[qid]
        if not answer:
            continue
        if q.kind == "number":
            try:
                int(answer)
            except ValueError:
                v.problems.append(f"{label}:{n}: {qid} asks for a whole number, not "
                                  f"{answer[:30]!r}")
        else:
            why = schedule_error(answer)
            if why:
                v.problems.append(f"{label}:{n}: {qid} is not a schedule lrusim reads: {why}")
    for q in lab.questions:
        if q.id not in seen or not _answered(text, q.id):
            v.notes.append(f"{label}: no answer to {q.id} yet ({q.points} points)")


def _answered(text: str, qid: str) -> bool:
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" in line and line.split(":", 1)[0].strip() == qid:
            return bool(line.split(":", 1)[1].strip())
    return False


def _near(entries: list[Path], name: str) -> Path | None:
    """A file that looks like a misnamed `name` (Lab.c, lab3.c, answer.txt...)."""
    stem, suffix = Path(name).stem.lower(), Path(name).suffix
    for e in entries:
        low = e.name.lower()
        if low == name or (e.suffix == suffix and (suffix == ".c" or
                                                   low.startswith(stem[:6]))):
            return e
    return None


def check_lab(lab: Lab, work: Path, v: Verdict) -> None:
    folder = work / lab.id
    shown = f"work/{lab.id}"
    if not folder.is_dir():
        v.problems.append(f"{shown}/: missing; ./lab start {lab.id} writes it")
        return
    wanted = (["lab.c"] if lab.has_code else []) + (["answers.txt"] if lab.questions else [])
    others = [e for e in sorted(folder.iterdir()) if e.name not in wanted and
              e.name not in OURS]
    for name in wanted:
        path = folder / name
        label = f"{shown}/{name}"
        if not path.is_file() or path.is_symlink():
            near = _near(others, name)
            if near:
                others.remove(near)
                v.problems.append(f"{label}: missing, but there is {shown}/{near.name}: "
                                  f"the grader takes only {name}; rename it")
            else:
                v.problems.append(f"{label}: missing (or not a plain file); ./lab start "
                                  f"{lab.id} writes it")
            continue
        if name == "lab.c":
            try:
                build_lab_binary(lab, path, label)
            except static_check.StaticCheckError as e:
                v.problems.append(f"{e} (./lab test {lab.id} shows the same)")
                continue
        else:
            check_answers(lab, path, label, v)
        v.files[f"{lab.id}/{name}"] = path
    for e in others:
        v.notes.append(f"{shown}/{e.name}: not handed in (the grader takes "
                       f"{' and '.join(wanted)})")


def git_check(paths: list[Path], v: Verdict) -> None:
    """In a git repository: every handed-in file committed as it is."""
    if not paths or shutil.which("git") is None:
        return
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=paths[0].parent,
                         capture_output=True, text=True)
    if top.returncode != 0:
        return
    root = Path(top.stdout.strip())

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    for path in paths:
        full = str(path.resolve())
        name = os.path.relpath(full)        # as the student types it, from here
        if git("ls-files", "--error-unmatch", "--", full).returncode != 0:
            if git("check-ignore", "-q", "--", full).returncode == 0:
                v.problems.append(f"{name}: ignored by git (see .gitignore), so not in your "
                                  f"commits: git add -f {name} && git commit")
            else:
                v.problems.append(f"{name}: not in git yet: git add {name} && git commit")
        elif git("diff", "--quiet", "HEAD", "--", full).returncode != 0:
            v.problems.append(f"{name}: changes not committed: git commit {name} "
                              "(the grader takes your last commit)")
    ahead = subprocess.run(["git", "rev-list", "--count", "@{upstream}..HEAD"], cwd=root,
                           capture_output=True, text=True)
    if ahead.returncode == 0 and ahead.stdout.strip() not in ("", "0"):
        v.notes.append(f"{ahead.stdout.strip()} commit(s) not pushed yet: git push")


def write_archive(files: dict[str, Path], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, STAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[name].read_bytes())
    tmp.replace(out)
    return out


def regrade_check(archive: Path, lab_ids: list[str], files: dict[str, Path]) -> list[str]:
    """The grader's own unpacking (runner/grade/submissions.py) takes every file."""
    all_ids = {lab.id for lab in labs.all_labs()}
    sub = submissions.Submission(archive.stem, archive.stem, archive)
    with tempfile.TemporaryDirectory(prefix="lrulab-submit-") as tmp:
        intake = submissions.take_in(sub, Path(tmp), lab_ids, all_ids)
        if intake.error:
            return [f"{archive}: the grader would not take it: {intake.error}"]
        got = {f"{lab}/{name}" for lab, names in intake.files.items() for name in names}
    return [f"{archive}: the grader would not find {name} in it" for name in
            sorted(set(files) - got)]


def archive_name(student: str | None) -> str:
    safe = "".join(c if c.isalnum() or c in "._@+-" else "_" for c in student or "")
    return f"{safe.lstrip('.') or 'submission'}.zip"


def run(ids: list[str], out: Path | None, student: str | None, git: bool = True) -> int:
    work = labs.WORK
    if ids:
        chosen = [labs.load(i) for i in ids]
    else:
        chosen = [lab for lab in labs.all_labs() if (work / lab.id).is_dir()]
        if not chosen:
            raise LabError(f"nothing to submit: no lab folder in {work}; ./lab start ID "
                           "first, or name the labs: ./lab submit ID...")
    v = Verdict()
    for lab in chosen:
        check_lab(lab, work, v)
    if git:
        git_check([p for p in v.files.values()], v)
    for note in v.notes:
        print(f"note: {note}")
    archive = out or OUT / archive_name(student)
    if not v.problems:
        write_archive(v.files, archive)
        v.problems = regrade_check(archive, [lab.id for lab in chosen], v.files)
    if v.problems:
        archive.unlink(missing_ok=True)     # no stale archive to hand in by mistake
        for p in v.problems:
            print(f"submit: {p}", file=sys.stderr)
        print(f"submit: not ready: {len(v.problems)} problem"
              f"{'s' * (len(v.problems) != 1)}", file=sys.stderr)
        return 2
    for name in sorted(v.files):
        print(f"  {name}")
    print(f"ready: {archive} ({', '.join(lab.id for lab in chosen)}); hand this file in "
          "(Gradescope: upload it; ./lab grade takes it as it is)")
    return 0
