"""How a lab's grade is shown to a student: one line per test, details on failure."""
from runner.results import LabReport

WIDTH = 52


def _line(label: str, score: int, max_score: int) -> str:
    status = "PASS" if score == max_score else "FAIL"
    dots = "." * max(2, WIDTH - len(label))
    return f"{status} {label} {dots} {score}/{max_score}"


def print_report(report: LabReport, verbose: bool = True) -> None:
    lab = report.lab
    stages = {"model": "model stage", "kernel": "kernel stage",
              "all": "model and kernel stages"}
    print(f"lab {lab.id}: {lab.title} ({stages[report.stage]})")
    if lab.has_code:
        print(f"static check: {'REJECTED: ' + report.error if report.error else 'ok'}")
    for r in report.results:
        if r.kind == "note":
            print(f"note: {r.output.strip()}")
            continue
        print(_line(r.name, r.score, r.max_score))
        if verbose and r.score < r.max_score and not report.error:
            for line in r.output.rstrip().splitlines()[:120]:
                print(f"     | {line}")
    print(f"Score: {report.score}/{report.max_score}")
