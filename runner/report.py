"""How a lab's grade is shown to a student: one line per test, details on failure.

Nothing is cut here: a failing test's output is already sized to be read
(runner/model/feedback.py); files it comes with (a whole trace) are saved
beside the student's work and named in the report.
"""
from pathlib import Path

from runner.results import LabReport

WIDTH = 52
COLUMNS = 100          # a report fits a 100-column terminal
PREFIX = "     | "


def _line(label: str, score: int, max_score: int) -> str:
    status = "PASS" if score == max_score else "FAIL"
    dots = "." * max(2, WIDTH - len(label))
    return f"{status} {label} {dots} {score}/{max_score}"


def wrap(line: str, width: int) -> list[str]:
    """A long line broken at spaces, the rest indented; nothing cut."""
    if len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    out = []
    while len(line) > width:
        cut = line.rfind(" ", width // 2, width)
        cut = cut if cut > 0 else width
        out.append(line[:cut].rstrip())
        line = indent + line[cut:].lstrip()
    return out + [line]


def save_attachments(report: LabReport, folder: Path) -> dict[str, Path]:
    """Write every result's attachments into folder; name -> path."""
    saved = {}
    for r in report.results:
        for name, text in r.attachments.items():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
            saved[name] = folder / name
    return saved


def print_report(report: LabReport, verbose: bool = True,
                 save_to: Path | None = None) -> None:
    lab = report.lab
    stages = {"model": "model stage", "kernel": "kernel stage",
              "all": "model and kernel stages"}
    print(f"lab {lab.id}: {lab.title} ({stages[report.stage]})")
    if lab.has_code:
        for part in wrap(f"static check: {'REJECTED: ' + report.error if report.error else 'ok'}",
                         COLUMNS):
            print(part)
    for r in report.results:
        if r.kind == "note":
            print(f"note: {r.output.strip()}")
            continue
        print(_line(r.name, r.score, r.max_score))
        if verbose and r.score < r.max_score and not report.error:
            for line in r.output.rstrip().splitlines():
                for part in wrap(line, COLUMNS - len(PREFIX)):
                    print(f"{PREFIX}{part}")
            if save_to and r.attachments:
                for name in r.attachments:
                    print(f"     | the whole trace: {save_to / name}")
    if save_to:
        save_attachments(report, save_to)
    print(f"Score: {report.score}/{report.max_score}")
