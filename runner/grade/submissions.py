"""Submissions in: find each student's folder or archive and unpack it safely.

A submission is a folder, a .tar.gz/.tgz or a .zip named after the student,
holding ID/lab.c and ID/answers.txt for any subset of labs (also under one
top-level folder, under work/ as ./lab start leaves it, or flat lab.c /
answers.txt when a single lab is graded).  Only those files are taken, each
at most MAX_FILE bytes, into a fresh intake folder; nothing is ever written
where an archive says.  Paths with .. or a leading /, links, devices and
undecodable names are ignored with a note; an archive that expands past
MAX_EXPANSION is not graded.
"""
import hashlib
import json
import os
import re
import stat
import tarfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from runner.labs import LabError

WANTED = ("lab.c", "answers.txt")
MAX_FILE = 1 << 20
MAX_EXPANSION = 64 << 20
MAX_MEMBERS = 10_000
MAX_KEY_BYTES = 200             # a key is a folder name: 255 bytes at most, suffix included
MAX_NAME = 4096                 # characters of a member's name (Linux's PATH_MAX)
MAX_NAME_SHOWN = 120            # characters of a member's name in a note
ARCHIVES = (".tar.gz", ".tgz", ".zip")
SKIP = {".git", "__MACOSX", ".DS_Store"}


@dataclass
class Submission:
    name: str                   # the student, printable
    key: str                    # unique and safe as a folder name
    path: Path
    notes: list[str] = field(default_factory=list)


@dataclass
class Intake:
    files: dict[str, dict[str, Path]] = field(default_factory=dict)  # lab -> name -> path
    oversize: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str = ""             # the whole submission is not graded
    digest: str = ""


def printable(name: str) -> str:
    """A file name as text, whatever bytes it had: no control, format (bidi)
    or escape characters survive, and a long one is cut with a mark."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = "".join(c if c.isprintable() and unicodedata.category(c) != "Cf" else "?"
                   for c in text)
    return text if len(text) <= MAX_NAME_SHOWN else text[:MAX_NAME_SHOWN] + "..."


def _key_base(name: str) -> str:
    """A safe folder name for a student: NFC (so NFC and NFD spellings of one
    name are one student), no separators, at most MAX_KEY_BYTES bytes."""
    base = re.sub(r"[^\w.@+-]", "_", unicodedata.normalize("NFC", name)).lstrip(".")
    while len(base.encode()) > MAX_KEY_BYTES:
        base = base[:-1]
    return base or "student"


def _student(entry: str) -> str:
    for ext in ARCHIVES:
        if entry.lower().endswith(ext):
            return entry[:-len(ext)]
    return entry


def discover(root: Path) -> tuple[list[Submission], list[str]]:
    """The submissions in root, sorted, and notes on what was skipped."""
    if not root.is_dir():
        raise LabError(f"{root}: not a folder of submissions (one folder, .tar.gz, "
                       ".tgz or .zip per student)")
    subs: list[Submission] = []
    skipped: list[str] = []
    for entry in sorted(os.listdir(root)):
        path = root / entry
        shown = printable(entry)
        if entry.startswith("."):
            continue
        if path.is_symlink():
            skipped.append(f"{shown}: a symbolic link; not graded")
            continue
        if not (path.is_dir() or (path.is_file() and entry.lower().endswith(ARCHIVES))):
            skipped.append(f"{shown}: not a folder, .tar.gz, .tgz or .zip; ignored")
            continue
        name = printable(_student(entry))
        subs.append(Submission(name, "", path))
    taken: dict[str, Submission] = {}
    for sub in subs:
        base = _key_base(sub.name)
        key, n = base, 1
        while key.lower() in taken:
            n += 1
            key = f"{base}~{n}"
        if n > 1:
            first = taken[base.lower()]
            for s in (first, sub):
                s.notes.append(f"duplicate student name {sub.name!r}: "
                               f"{printable(first.path.name)} and {printable(sub.path.name)} "
                               f"are graded separately, as {first.key} and {key}")
        sub.key = key
        taken[key.lower()] = sub
    return subs, skipped


# ---- reading members ------------------------------------------------------

@dataclass
class _Member:
    parts: list[str]
    size: int
    read: object                # () -> bytes, at most MAX_FILE + 1 bytes


def _clean(name: str, notes: list[str]) -> list[str] | None:
    shown = printable(name)
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        notes.append(f"ignored {shown}: absolute path")
        return None
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        notes.append(f"ignored {shown}: path leaves the submission (..)")
        return None
    if printable(name) != name:
        notes.append(f"ignored {shown}: the name is not UTF-8 text")
        return None
    return parts


def _folder_members(path: Path, notes: list[str]) -> list[_Member]:
    members: list[_Member] = []
    count = 0

    def walk(d: Path, rel: list[str]) -> None:
        nonlocal count
        for entry in sorted(os.scandir(d), key=lambda e: e.name):
            count += 1
            if count > MAX_MEMBERS:
                raise LabError(f"more than {MAX_MEMBERS} files")
            if entry.name in SKIP:
                continue
            parts = _clean("/".join(rel + [entry.name]), notes)
            if parts is None:
                continue
            if entry.is_symlink():
                notes.append(f"ignored {'/'.join(parts)}: a symbolic link")
            elif entry.is_dir(follow_symlinks=False):
                if len(rel) < 4:
                    walk(Path(entry.path), parts)
            elif entry.is_file(follow_symlinks=False):
                size = entry.stat(follow_symlinks=False).st_size
                members.append(_Member(parts, size, _reader_file(Path(entry.path))))
            else:
                notes.append(f"ignored {'/'.join(parts)}: not a regular file")
    walk(path, [])
    return members


def _reader_file(p: Path):
    def read() -> bytes:
        with open(p, "rb") as f:
            return f.read(MAX_FILE + 1)
    return read


def _tar_members(path: Path, notes: list[str], stage: Path) -> list[_Member]:
    """Streams the archive once; wanted files are kept in memory (capped)."""
    members: list[_Member] = []
    expanded = 0
    try:
        with tarfile.open(path, "r|*") as tar:
            for n, info in enumerate(tar):
                if n >= MAX_MEMBERS:
                    raise LabError(f"more than {MAX_MEMBERS} files in the archive")
                # what was decompressed, long-name and pax headers included
                expanded = max(expanded + max(info.size, 0), info.offset_data)
                if len(info.name) > MAX_NAME:
                    raise LabError(f"a member name of {len(info.name)} characters "
                                   f"(at most {MAX_NAME})")
                if expanded > MAX_EXPANSION:
                    raise LabError(f"the archive expands past {MAX_EXPANSION >> 20} MiB "
                                   "(an archive bomb?)")
                parts = _clean(info.name, notes)
                if parts is None or (parts and parts[0] in SKIP):
                    continue
                if info.issym() or info.islnk():
                    notes.append(f"ignored {'/'.join(parts)}: a link")
                elif info.isfile():
                    data = b""
                    if parts[-1] in WANTED and info.size <= MAX_FILE:
                        f = tar.extractfile(info)
                        data = f.read(MAX_FILE + 1) if f else b""
                    members.append(_Member(parts, info.size, lambda d=data: d))
                elif not info.isdir():
                    notes.append(f"ignored {'/'.join(parts)}: not a regular file")
    except (tarfile.TarError, EOFError, OSError, ValueError) as e:
        raise LabError(f"not a readable .tar.gz ({e})") from None
    return members


def _zip_members(path: Path, notes: list[str]) -> list[_Member]:
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise LabError(f"not a readable .zip ({e})") from None
    if len(infos) > MAX_MEMBERS:
        raise LabError(f"more than {MAX_MEMBERS} files in the archive")
    if sum(i.file_size for i in infos) > MAX_EXPANSION:
        raise LabError(f"the archive expands past {MAX_EXPANSION >> 20} MiB "
                       "(an archive bomb?)")
    members: list[_Member] = []
    for info in infos:
        parts = _clean(info.filename, notes)
        if parts is None or (parts and parts[0] in SKIP) or info.is_dir():
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            notes.append(f"ignored {'/'.join(parts)}: a link")
            continue
        if info.flag_bits & 0x1:        # nobody can grade what only a password opens
            raise LabError(f"{printable('/'.join(parts))} is encrypted; hand it in "
                           "without a password")

        def read(i=info) -> bytes:
            try:
                with zf.open(i) as f:
                    return f.read(MAX_FILE + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                    RuntimeError):          # RuntimeError: an encrypted member
                return b""
        members.append(_Member(parts, info.file_size, read))
    return members


def _base(members: list[_Member], lab_ids: set[str]) -> list[str] | None:
    """The folder holding the lab folders: '', work/, or one top-level folder."""
    dirs = {tuple(m.parts[:-2]) for m in members
            if len(m.parts) >= 2 and m.parts[-2] in lab_ids and m.parts[-1] in WANTED}
    for base in sorted(dirs, key=len):
        if len(base) <= 2:
            return list(base)
    return None


def take_in(sub: Submission, dest: Path, lab_ids: list[str], all_ids: set[str]) -> Intake:
    """Copy the wanted files of sub into dest/ID/; never raises for bad input:
    whatever goes wrong with one submission is that submission's verdict."""
    try:
        return _take_in(sub, dest, lab_ids, all_ids)
    except Exception as e:                  # noqa: BLE001 (a verdict, not a crash)
        out = Intake(notes=list(sub.notes))
        out.error = f"{printable(sub.path.name)}: cannot be read ({printable(str(e))}); " \
                    "not graded"
        out.digest = hashlib.sha256(out.error.encode()).hexdigest()
        return out


def _take_in(sub: Submission, dest: Path, lab_ids: list[str], all_ids: set[str]) -> Intake:
    out = Intake(notes=list(sub.notes))
    try:
        name = sub.path.name.lower()
        if sub.path.is_dir():
            members = _folder_members(sub.path, out.notes)
        elif name.endswith(".zip"):
            members = _zip_members(sub.path, out.notes)
        else:
            members = _tar_members(sub.path, out.notes, dest)
    except LabError as e:
        out.error = f"{printable(sub.path.name)}: {e}; not graded"
        out.digest = hashlib.sha256(out.error.encode()).hexdigest()
        return out
    wanted_ids = set(lab_ids)
    base = _base(members, all_ids)
    flat = None
    if base is None and len(lab_ids) == 1:
        flat = [m for m in members if len(m.parts) == 1 and m.parts[0] in WANTED]
    used = set()
    digest = hashlib.sha256()
    for i, m in enumerate(members):
        rel = "/".join(m.parts)
        if flat:
            if m not in flat:
                continue
            lab, fname = lab_ids[0], m.parts[0]
        elif base is not None and m.parts[:len(base)] == base and \
                len(m.parts) == len(base) + 2 and m.parts[-2] in all_ids and \
                m.parts[-1] in WANTED:
            lab, fname = m.parts[-2], m.parts[-1]
        else:
            continue
        used.add(i)
        if lab not in wanted_ids:
            continue
        if m.size > MAX_FILE:
            out.oversize.setdefault(lab, {})[fname] = m.size
            digest.update(f"{lab}/{fname} oversize {m.size}\n".encode())
            continue
        data = m.read()[:MAX_FILE + 1]
        if len(data) > MAX_FILE:
            out.oversize.setdefault(lab, {})[fname] = len(data)
            continue
        target = dest / lab / fname
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        target.write_bytes(data)
        os.chmod(target, 0o644)
        out.files.setdefault(lab, {})[fname] = target
        digest.update(f"{lab}/{fname} {hashlib.sha256(data).hexdigest()}\n".encode())
    ignored = sorted({"/".join(m.parts[:(len(base or []) + 2)])
                      for i, m in enumerate(members) if i not in used})
    for rel in ignored[:10]:
        hint = ""
        parts = rel.split("/")
        if len(parts) >= 2 and parts[-2] in all_ids and parts[-1] not in WANTED:
            hint = f" (a lab folder holds lab.c and answers.txt)"
        out.notes.append(f"ignored {rel}{hint}")
    if len(ignored) > 10:
        out.notes.append(f"ignored {len(ignored) - 10} more files")
    for lab in lab_ids:
        if lab not in out.files and lab not in out.oversize:
            out.notes.append(f"no {lab}/ in the submission")
    digest.update(json.dumps(out.notes).encode())
    out.digest = digest.hexdigest()
    return out

