"""A model failure as a student reads it: what failed, where, the schedule, the trace.

Everything comes from lrusim's JSON result.  The report fits 100 columns;
nothing is cut silently: a long trace shows its last steps with a marker
saying how many came before and where the whole trace was saved.
"""
from runner.model.lrusim import Failure

WIDTH = 100
LANE = 41                 # two lanes: "step | " + lane + " | " + lane, in a report
                          # line prefixed "     | ": 100 columns
TRACE_LINES = 60          # trace lines shown; the rest are in the saved file


def context(c: dict | None) -> str:
    if not c:
        return "(none)"
    return f"cpu{c['cpu']} {c['kind']} {c['name']}"


def describe(ev: dict) -> str:
    who = ("" if ev["kind"] == "task" else "irq ") + ev["name"]
    if ev.get("opaque"):
        return f"{who}: {ev['where']} (reference code)"
    obj = f"(p{ev['page']})" if ev.get("page") is not None else \
        f"({ev['lock']})" if ev.get("lock") else ""
    what, where = ev["what"], ev["where"]
    if what.endswith(" static"):
        return f"{who}: {where} {what} {ev['before']}->{ev['after']}" \
            if ev["before"] != ev["after"] else f"{who}: {where} {what} = {ev['after']}"
    if ev.get("page") is not None and ev["before"] != ev["after"]:
        return f"{who}: {where} {what}{obj} {ev['before']}->{ev['after']}"
    if ev.get("page") is not None and (what.startswith("Page") or what == "page_count"):
        return f"{who}: {where} {what}{obj} = {ev['after']}"
    return f"{who}: {where} {what}{obj}"


def _wrap(text: str, width: int) -> list[str]:
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", width // 2, width + 1)
        cut = cut if cut > 0 else width
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return lines + [text]


def trace_lines(trace: list[dict], cpus: int) -> list[str]:
    """The trace as text: a header row, then each step's rows."""
    header, steps = trace_rows(trace, cpus)
    return [header] + [row for step in steps for row in step]


def trace_rows(trace: list[dict], cpus: int) -> tuple[str, list[list[str]]]:
    """The two-lane (or more) trace: the header, and one list of rows per step
    (a long step wraps in its lane); a run of reference steps of one
    context is one step."""
    lanes = max([cpus, *[ev["cpu"] + 1 for ev in trace]]) if trace else cpus
    lane = LANE if lanes <= 2 else (WIDTH - 5) // lanes - 3
    header = "step " + "".join(f"| {'cpu' + str(c):<{lane}} " for c in range(lanes)).rstrip()
    steps: list[list[str]] = []
    prev = None
    for ev in trace:
        if ev["what"] == "spin":
            continue
        if ev.get("opaque") and prev and prev.get("opaque") and \
                prev["ctx"] == ev["ctx"] and prev["where"] == ev["where"]:
            continue
        prev = ev
        rows = []
        for i, chunk in enumerate(_wrap(describe(ev), lane)):
            cells = [chunk if c == ev["cpu"] else "" for c in range(lanes)]
            rows.append((f"{ev['step']:4d} " if i == 0 else "     ") +
                        "".join(f"| {cell:<{lane}} " for cell in cells).rstrip())
        steps.append(rows)
    return header, steps


def failing_hook(f: Failure) -> str | None:
    """The hook whose code took the failing step (None: model code)."""
    return f.trace[-1].get("hook") if f.trace else None


def failure_report(f: Failure, cpus: int, hint: str) -> tuple[str, str]:
    """(the report, the whole trace as text to save)."""
    m = f.minimized
    head = [f"FAILURE [{f.checker}] {f.message}"]
    where = []
    if f.page is not None:
        where.append(f"page p{f.page}")
    where.append(f"contexts: {context(f.context)}; {context(f.other_context)}")
    hook = failing_hook(f)
    if hook:
        where.append(f"in {hook}")
    head.append("  " + ", ".join(where))
    found = f"  found by {f.strategy}"
    if f.bound is not None:
        found += f" with {f.bound} preemption{'s' * (f.bound != 1)} (the fewest that fail)"
    head.append(found)
    head.append(f"  schedule: {f.schedule}")
    head.append(f"  minimized schedule ({m['preemptions']} preemption"
                f"{'s' * (m['preemptions'] != 1)}): " +
                (m["schedule"] or "(empty: the default order, each context running "
                 "until it waits or ends)"))
    header, steps = trace_rows(f.trace, cpus)
    full = "\n".join([header] + [r for s in steps for r in s]) + "\n"
    body = ["trace of the minimized schedule:"]
    shown, size = [], 0
    for step in reversed(steps):        # the last steps, whole, up to TRACE_LINES rows
        if size + len(step) > TRACE_LINES:
            break
        shown.insert(0, step)
        size += len(step)
    if len(shown) < len(steps):
        body.append(f"  [... {len(steps) - len(shown)} earlier steps; the whole trace "
                    "is saved, see below]")
    body += [header] + [r for s in shown for r in s]
    if not f.trace_complete:
        body.append("  [the run was longer than the trace keeps]")
    tail = [f"hint: {hint}"] if hint else []
    return "\n".join(head + body + tail) + "\n", full
