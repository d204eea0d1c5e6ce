"""Outputs: results.json (Gradescope's schema), gradebook.csv, report.html, grade.log.

A student's record is what the grader found (labs, verdicts, tests, notes);
results.json carries it in Gradescope's fields plus extra_data.lrulab,
from which a re-run rebuilds the gradebook without regrading.  Every file
is written to a temporary name and renamed, so a crash leaves the old file
or the new one, never half of one.
"""
import csv
import html
import io
import json
import os
import tempfile
import time
from pathlib import Path


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def results_json(record: dict) -> dict:
    """Gradescope's results.json for one student."""
    tests = []
    for lab in record["labs"]:
        for t in lab["tests"]:
            tests.append({"name": f"{lab['id']} / {t['name']}", "score": t["score"],
                          "max_score": t["max_score"], "output": t["output"],
                          "visibility": t.get("visibility", "visible"),
                          "status": "passed" if t["score"] == t["max_score"] else "failed"})
    summary = {k: v for k, v in record.items() if k != "labs"}
    summary["labs"] = [{k: v for k, v in lab.items() if k != "tests"}
                       for lab in record["labs"]]
    return {"score": record["score"], "execution_time": round(record["seconds"]),
            "output": summary_text(record), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"lrulab": summary}}


def record_of(results: dict) -> dict | None:
    """The summary a results.json was written from (tests left out)."""
    data = results.get("extra_data", {}).get("lrulab")
    return data if isinstance(data, dict) else None


def summary_text(record: dict) -> str:
    lines = [f"{record['student']}: {record['score']}/{record['max_score']}",
             record.get("sandbox", "")]
    if record.get("error"):
        lines.append(f"not graded: {record['error']}")
    for lab in record["labs"]:
        lines.append(f"{lab['id']}: {lab['score']}/{lab['max_score']}  {lab['verdict']}")
    lines += [f"note: {n}" for n in record.get("notes", [])]
    return "\n".join(l for l in lines if l) + "\n"


def _cell(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


LATE_COLUMNS = ["days_late", "penalty", "commit"]


def gradebook_csv(records: list[dict], lab_ids: list[str]) -> str:
    """One row per student; with a deadline (records with "late"), the total is
    after the penalty and three columns say why."""
    late = any("late" in r for r in records)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    # key: the student's folder under students/, unique where names look alike
    w.writerow(["student", "key", *lab_ids, "total", "status"] +
               (LATE_COLUMNS if late else []))
    for r in sorted(records, key=lambda r: r["key"]):
        scores = {lab["id"]: lab["score"] for lab in r["labs"]}
        status = f"not graded: {r['error']}" if r.get("error") else "graded"
        row = [_cell(r["student"]), _cell(r["key"]), *[scores.get(i, 0) for i in lab_ids],
               r["score"], _cell(status)]
        if late:
            info = r.get("late") or {}
            days = info.get("days_late")
            row += ["" if days is None else days, info.get("penalty", 0),
                    (info.get("commit") or "")[:12]]
        w.writerow(row)
    return buf.getvalue()


_CSS = """body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 8px}th{cursor:pointer;background:#eee}
td.n{text-align:right}.bad{color:#a00}.ok{color:#070}pre{background:#f6f6f6;padding:6px;
white-space:pre-wrap;max-width:110ch}"""
_SORT = """<script>document.querySelectorAll('th').forEach((th,i)=>th.onclick=()=>{
const tb=th.closest('table').tBodies[0],rows=[...tb.rows],asc=th.dataset.asc!=='1';
th.dataset.asc=asc?'1':'0';rows.sort((a,b)=>{let x=a.cells[i].innerText,y=b.cells[i].innerText;
let nx=parseFloat(x),ny=parseFloat(y);let c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
return asc?c:-c});rows.forEach(r=>tb.appendChild(r))})</script>"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_CSS}</style></head><body>{body}{_SORT}</body></html>\n")


def report_html(records: list[dict], lab_ids: list[str], header: str) -> str:
    e = html.escape
    rows = []
    for r in sorted(records, key=lambda r: r["key"]):
        scores = {lab["id"]: lab for lab in r["labs"]}
        cells = "".join(
            f"<td class=n title='{e(scores[i]['verdict'])}'>{scores[i]['score']}</td>"
            if i in scores else "<td class=n>0</td>" for i in lab_ids)
        status = f"<span class=bad>not graded: {e(r['error'])}</span>" if r.get("error") \
            else ("<span class=bad>" + e("; ".join(
                f"{l['id']}: {l['verdict']}" for l in r["labs"]
                if l["verdict"] != "graded")) + "</span>")
        href = f"students/{e(r['key'])}/instructor.html"
        rows.append(f"<tr><td><a href='{href}'>{e(r['student'])}</a></td>{cells}"
                    f"<td class=n>{r['score']}</td><td>{status}</td></tr>")
    head = "".join(f"<th>{e(i)}</th>" for i in lab_ids)
    body = (f"<h1>lrulab grades</h1><p>{e(header)}</p><p>{len(records)} students; "
            f"generated {e(time.strftime('%Y-%m-%d %H:%M:%S'))}. Click a column to sort.</p>"
            f"<table><thead><tr><th>student</th>{head}<th>total</th><th>notes</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")
    return _page("lrulab grades", body)


# what a student's page shows of each visibility, unless told otherwise
STUDENT_SEES = ("visible",)
WITHHELD = {"hidden": "hidden", "after_due_date": "shown after the due date",
            "after_published": "shown when the grades are published"}


def student_html(record: dict, results: dict, shown: tuple[str, ...] | None = None) -> str:
    """A student's page.  shown: the visibilities whose tests it shows (None: all,
    the instructor's view); the others are counted, never shown."""
    e = html.escape
    tests = results.get("tests", [])
    kept = [t for t in tests if shown is None or t.get("visibility", "visible") in shown]
    withheld = [t for t in tests if t not in kept]
    if withheld:
        got = sum(t["score"] for t in kept)
        head = (f"{e(record['student'])}: {got}/{sum(t['max_score'] for t in kept)} "
                f"in the tests shown here")
    else:
        head = f"{e(record['student'])}: {record['score']}/{record['max_score']}"
    parts = [f"<p><a href='../../report.html'>all students</a></p>" if shown is None else "",
             f"<h1>{head}</h1>", f"<p>{e(record.get('sandbox', ''))}</p>"]
    if shown is None:
        parts.append("<p>The instructor's view: every test, whatever its visibility.</p>")
    if record.get("error"):
        parts.append(f"<p class=bad>not graded: {e(record['error'])}</p>")
    parts += [f"<p>note: {e(n)}</p>" for n in record.get("notes", [])]
    for t in kept:
        cls = "ok" if t["score"] == t["max_score"] else "bad"
        vis = t.get("visibility", "visible")
        tag = f" <small>[{e(vis)}]</small>" if shown is None and vis != "visible" else ""
        parts.append(f"<h3 class={cls}>{e(t['name'])}: {t['score']}/{t['max_score']}{tag}</h3>"
                     f"<pre>{e(t['output'])}</pre>")
    for why in dict.fromkeys(WITHHELD[t.get("visibility")] for t in withheld):
        n = sum(WITHHELD[t.get("visibility")] == why for t in withheld)
        parts.append(f"<p>{n} more test{'s' * (n != 1)}: {e(why)}.</p>")
    return _page(record["student"], "".join(parts))


class Log:
    """grade.log: appended line by line, so a crash keeps what came before."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "a", encoding="utf-8", errors="replace")

    def __call__(self, line: str) -> None:
        self.f.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
        self.f.flush()

    def close(self) -> None:
        self.f.close()


def load_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None
    except (OSError, ValueError):
        return None
