"""Deadlines for git-based hand-in: which commit of a student's repository is graded,
how late it is, and what that costs.

./lab grade SUBMISSIONS --deadline TIME [--late-days N] [--penalty P]

A submission that is a git repository (a folder with .git, as `gh classroom
clone` leaves them) is graded at its last commit (reachable from HEAD, by
committer date) no later than the deadline; with --late-days N, its last
commit no later than N days after it, late by the days begun since the
deadline.  The commit's files are taken with `git archive`, so what is
graded is what was committed, never the working tree.  A late submission
loses P per late day: `10%` of its score, or `5` points.  Submissions that
are not repositories are graded as they are, with no lateness.

Commit dates are what the student's machine said when committing: for a
cut-off no clock can move, clone the repositories at the deadline.
"""
import hashlib
import math
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from runner.labs import LabError

DAY = 86400


@dataclass(frozen=True)
class Policy:
    deadline: datetime          # timezone-aware
    late_days: int = 0
    penalty: str = "0"          # "N%" of the score, or "N" points, per late day

    def key(self) -> str:
        """What a grade depends on here: part of the grader's fingerprint."""
        return f"deadline {self.deadline.isoformat()} late {self.late_days} " \
               f"penalty {self.penalty}"

    def cost(self, score: int, days_late: int) -> int:
        """Points off a score for days_late late days (never below 0)."""
        if days_late <= 0:
            return 0
        if self.penalty.endswith("%"):
            off = math.ceil(score * float(self.penalty[:-1]) * days_late / 100)
        else:
            off = int(self.penalty) * days_late
        return min(score, off)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; without a zone, the grader's local time."""
    try:
        t = datetime.fromisoformat(text.strip())
    except ValueError:
        raise LabError(f"--deadline {text!r}: give an ISO time, e.g. 2024-03-01T23:59 or "
                       "2024-03-01T23:59+01:00") from None
    return t if t.tzinfo else t.astimezone()


def policy(deadline: str | None, late_days: int, penalty: str) -> Policy | None:
    if deadline is None:
        if late_days or penalty != "0":
            raise LabError("--late-days and --penalty need --deadline TIME")
        return None
    if late_days < 0:
        raise LabError("--late-days: 0 or more")
    text = penalty.strip()
    try:
        value = float(text[:-1]) if text.endswith("%") else int(text)
    except ValueError:
        value = -1
    if value < 0 or (text.endswith("%") and value > 100):
        raise LabError(f"--penalty {penalty!r}: a percentage of the score per late day "
                       "(10%) or points per late day (5)")
    return Policy(parse_time(deadline), late_days, text)


def is_repository(path: Path) -> bool:
    return path.is_dir() and (path / ".git").exists()


@dataclass
class Pick:
    """What is graded of one repository."""
    commit: str | None          # None: no commit in the window
    committed: datetime | None
    days_late: int
    note: str


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def pick(repo: Path, p: Policy) -> Pick:
    """The last commit no later than the deadline (+ the late days)."""
    log = _git(repo, "log", "--format=%H %ct", "HEAD")
    if log.returncode != 0:
        return Pick(None, None, 0, f"not a readable git repository "
                    f"({(log.stderr.strip().splitlines() or ['no commits'])[-1]})")
    commits = [(int(t), h) for h, t in (line.split() for line in log.stdout.splitlines())]
    cutoff = p.deadline + timedelta(days=p.late_days)
    window = [(t, h) for t, h in commits if t <= cutoff.timestamp()]
    if not window:
        first = datetime.fromtimestamp(min(t for t, _ in commits), timezone.utc) \
            if commits else None
        return Pick(None, None, 0, f"no commit by {cutoff.isoformat()}" +
                    (f" (the first is of {first.isoformat()})" if first else ""))
    t, h = max(window)
    when = datetime.fromtimestamp(t, p.deadline.tzinfo)
    late = max(0, math.ceil((t - p.deadline.timestamp()) / DAY))
    later = sum(1 for c, _ in commits if c > cutoff.timestamp())
    note = f"graded commit {h[:12]} of {when.isoformat()}" + \
        (f", {late} day{'s' * (late != 1)} late" if late else ", on time") + \
        (f"; {later} later commit{'s' * (later != 1)} not graded" if later else "")
    return Pick(h, when, late, note)


def export(repo: Path, commit: str | None, dest: Path) -> Path:
    """The commit's files as a tar the grader unpacks (an empty folder for none)."""
    if commit is None:
        empty = dest.with_suffix("")
        empty.mkdir(parents=True, exist_ok=True)
        return empty
    dest.parent.mkdir(parents=True, exist_ok=True)
    proc = _git(repo, "archive", "--format=tar", "-o", str(dest), commit)
    if proc.returncode != 0:
        raise LabError(f"{repo}: git archive {commit[:12]} failed: "
                       f"{proc.stderr.strip()[:200]}")
    return dest


def digest(intake_digest: str, chosen: Pick) -> str:
    """The submission digest with the pick in it: the same files committed later
    are another grade."""
    return hashlib.sha256(f"{intake_digest} {chosen.commit} {chosen.days_late}"
                          .encode()).hexdigest()


def apply(record: dict, chosen: Pick | None, p: Policy) -> dict:
    """Lateness into the record (results.json keeps it, gradebook.csv shows it)."""
    if chosen is None:
        record["late"] = {"deadline": p.deadline.isoformat(), "commit": None,
                          "committed": None, "days_late": None, "penalty": 0,
                          "note": "not a git repository: graded as handed in, no lateness"}
        return record
    cost = p.cost(record["score"], chosen.days_late)
    record["late"] = {"deadline": p.deadline.isoformat(), "commit": chosen.commit,
                      "committed": chosen.committed.isoformat() if chosen.committed else None,
                      "days_late": chosen.days_late if chosen.commit else None,
                      "penalty": cost,
                      "score_before_penalty": record["score"], "note": chosen.note}
    record["score"] -= cost
    record["notes"] = [chosen.note + (f"; -{cost} points ({p.penalty} per late day)"
                                      if cost else "")] + record.get("notes", [])
    return record
