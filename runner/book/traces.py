"""A model run as a compact interleaving table.

lrusim prints a failure report with a two-lane trace of the minimized schedule, one line
per step (`  12 | unpin: __free_pages_ok PageLocked(p0) = 0 |`).  Most steps are list
halves, checks and lock traffic; the table keeps the steps that change or decide the
state of one page (its count, PG_lru, PG_locked), the locks around them and the
interrupts, and says how many steps it skipped in between.  Columns: step, one per CPU,
then count, PG_lru, PG_locked after the step (a state the run never changes is left out).  Key steps (the count reaching 0, PG_lru
cleared, the page put on the free list, the step the checker stopped at) are marked.
"""
import re
from dataclasses import dataclass, field

STEP = re.compile(r"^\s*(\d+) \|(.*)$")
EVENT = re.compile(r"^(?P<ctx>[^:]+): (?P<func>\S+) (?P<op>.*)$")
COUNT_OP = re.compile(r"(put_page_testzero|get_page|page_cache_get|atomic_\w+)\((?P<pg>p\d+)\) (?P<a>\d+)->(?P<b>\d+)")
FLAG_RMW = re.compile(r"(TestSetPage|TestClearPage|TryLockPage|UnlockPage)(?P<flag>LRU|Locked)?\((?P<pg>p\d+)\) (?P<a>\d)->(?P<b>\d)")
FLAG_READ = re.compile(r"Page(?P<flag>LRU|Locked)\((?P<pg>p\d+)\) = (?P<v>\d)")
LRU_LOCK = re.compile(r"spin_(un)?lock\(pagemap_lru_lock\)")


@dataclass
class Row:
    step: int
    lane: int
    text: str
    count: str
    lru: str
    locked: str
    key: bool = False
    skipped: int = 0          # steps left out just before this row


@dataclass
class Run:
    header: list = field(default_factory=list)   # lines before the trace (failure, schedule)
    lanes: int = 0
    steps: list = field(default_factory=list)    # (step, lane, ctx, func, op)
    page: str = "p0"


def parse(text: str) -> Run:
    run = Run()
    in_trace = False
    for line in text.split("\n"):
        if line.startswith("step |"):
            in_trace = True
            run.lanes = line.count("|")
            continue
        m = STEP.match(line) if in_trace else None
        if not m:
            if in_trace and line.strip():
                in_trace = False
            if not in_trace and line.strip():
                run.header.append(line.strip())
            continue
        for lane, cell in enumerate(m.group(2).split("|")):
            cell = cell.strip()
            e = EVENT.match(cell)
            if e:
                run.steps.append((int(m.group(1)), lane, e["ctx"], e["func"], e["op"]))
    for h in run.header:
        p = re.match(r"page: (p\d+)", h)
        if p:
            run.page = p.group(1)
    return run


def rows(run: Run) -> list[Row]:
    """The steps worth a row, with the page state after each."""
    count, lru, locked = "?", "?", "?"
    out, skipped = [], 0
    last = run.steps[-1][0] if run.steps else 0
    freed = 0
    for step, lane, ctx, func, op in run.steps:
        keep, key = False, False
        c = COUNT_OP.search(op)
        if c and c["pg"] == run.page:
            if count == "?":
                count = c["a"]
            count, keep = c["b"], True
            key = c["b"] == "0"
        f = FLAG_RMW.search(op)
        if f and f["pg"] == run.page:
            flag = f["flag"] or "Locked"
            if flag == "LRU":
                lru, key = f["b"], key or f["b"] == "0"
            else:
                locked = f["b"]
            keep = True
        r = FLAG_READ.search(op)
        if r and r["pg"] == run.page:
            if r["flag"] == "LRU":
                lru = r["v"]
            else:
                locked = r["v"]
            keep = keep or func.endswith(("free_pages_ok", "free_pages_ok_lru", "zero_count"))
        if op.endswith("start") or LRU_LOCK.search(op):
            keep = True
        if func == "__free_pages_ok" and op == "spin_lock(zone->lock)":
            freed += 1
            keep, key = True, True
            op = "spin_lock(zone->lock): onto the free list" + (" again" if freed > 1 else "")
        if step == last:
            keep, key = True, True
        if not keep:
            skipped += 1
            continue
        where = "irq: " if ctx.startswith("irq") else ""
        out.append(Row(step, lane, f"{where}{func} {op}", count, lru, locked, key, skipped))
        skipped = 0
    return out


def _cell(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def markdown(text: str, caption: str) -> str:
    """The run as a pandoc pipe table, with the failure line and schedule above it."""
    run = parse(text)
    table = rows(run)
    lanes = max(run.lanes, 1)
    # a state column the run never changes says nothing: leave it out
    states = [(name, attr) for name, attr in (("count", "count"), ("PG_lru", "lru"),
                                              ("PG_locked", "locked"))
              if len({getattr(r, attr) for r in table} - {"?"}) > 1]
    tasks = {}
    for _, lane, ctx, _, _ in run.steps:
        if not ctx.startswith("irq") and ctx not in tasks.setdefault(lane, []):
            tasks[lane].append(ctx)
    names = [f"CPU{i}: {', '.join(tasks.get(i, [])) or 'idle'}" for i in range(lanes)]
    head = ("| step | " + " | ".join(names) + " | "
            + " | ".join(name for name, _ in states) + " |")
    rule = "|--:|" + "---|" * lanes + ":-:|" * len(states)
    lines = [head, rule]
    for r in table:
        cells = ["" for _ in range(lanes)]
        mark = "**★**" if r.key else ""
        cells[r.lane] = f"{mark} {_cell(r.text)}".strip()
        step = f"{r.step}" + (f" (+{r.skipped})" if r.skipped else "")
        lines.append(f"| {step} | " + " | ".join(cells) + " | "
                     + " | ".join(getattr(r, attr) for _, attr in states) + " |")
    info = [h for h in run.header if h.startswith(("FAILURE", "minimized schedule", "preemptions"))]
    intro = "".join(f"`{h}`\\\n" for h in info).rstrip("\\\n")
    note = (f"Steps are the model's; *(+n)* says how many steps before this one the table leaves "
            f"out; the state columns are page `{run.page}`'s after the step "
            f"(? = not yet seen); ★ marks the key steps.")
    return f"{intro}\n\n{chr(10).join(lines)}\n\n{caption} {note}\n"
