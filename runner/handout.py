"""The grading table of each lab's handout, generated from its lab.json.

labs/ID/README.md holds the table between two markers; `./lab tables`
rewrites it, and `./lab build-labs` (make labs) refuses a handout whose
table disagrees with lab.json, so the two cannot drift.
"""
from runner.labs import Lab, LabError

BEGIN = "<!-- BEGIN GRADING TABLE: generated from lab.json by ./lab tables; do not edit -->"
END = "<!-- END GRADING TABLE -->"


def _explored(strategies: list[str]) -> str:
    out = []
    for s in strategies:
        if s == "replay:":
            out.append("the default schedule")
        elif s.startswith("replay:"):
            out.append(f"the schedule `{s[7:]}`")
        else:
            out.append(f"`{s}`")
    return ", ".join(out)


def _checkers(check: str) -> str:
    if check == "all":
        return "all"
    if check == "default":
        return "all but nr-pages"
    return ", ".join(f"`{c}`" for c in check.split(","))


def table(lab: Lab) -> str:
    rows = []
    if lab.tests:
        rows += ["| test | points | scenario | explored with | checkers | what it checks |",
                 "|---|---|---|---|---|---|"]
        for t in lab.tests:
            what = t.what + (f"; and {', '.join(f'`{k}` {v}' for k, v in t.counters.items())}"
                             if t.counters else "")
            rows.append(f"| {t.name} | {t.points} | `{t.scenario}` | "
                        f"{_explored(t.strategies)} | {_checkers(t.check)} | {what} |")
        rows.append("")
    if lab.questions:
        rows += ["| question | points | kind | variant | scenario | what is asked |",
                 "|---|---|---|---|---|---|"]
        for q in lab.questions:
            rows.append(f"| {q.id} | {q.points} | {q.kind} | `{q.variant}` | "
                        f"`{q.scenario}`{' (UP)' if q.up else ''} | {q.text} |")
        rows.append("")
    code = sum(t.points for t in lab.tests)
    asked = sum(q.points for q in lab.questions)
    rows.append(f"In all {lab.max_points} points" +
                (f": {code} for the tests, {asked} for the questions." if code and asked
                 else "."))
    return "\n".join(rows)


def _split(text: str, where: str) -> tuple[str, str, str]:
    if BEGIN not in text or END not in text:
        raise LabError(f"{where}: no grading table markers; put {BEGIN} and {END} where "
                       "the table goes, then run ./lab tables")
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    return head, body, tail


def rendered(lab: Lab) -> str:
    """The handout with its table as lab.json says."""
    readme = lab.dir / "README.md"
    head, _, tail = _split(readme.read_text(), f"labs/{lab.id}/README.md")
    return f"{head}{BEGIN}\n{table(lab)}\n{END}{tail}"


def stale(lab: Lab) -> bool:
    readme = lab.dir / "README.md"
    return readme.read_text() != rendered(lab)


def write(lab: Lab) -> bool:
    """Rewrite the table; True if it changed."""
    readme = lab.dir / "README.md"
    new = rendered(lab)
    if new == readme.read_text():
        return False
    readme.write_text(new)
    return True
