"""The batch: grade every submission in parallel, resumably, with progress.

The parent process finds submissions and takes each in, hands each to a worker
process and writes the outputs as each result comes back; workers only
orchestrate (every compile and run of student code is a sandboxed child).
-j N is N workers, each grading one lab test at a time, so N sandboxes.
A student whose submission digest and grader fingerprint match their
results.json is not graded again (--force regrades).
"""
import concurrent.futures as cf
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from runner import labs as labs_mod
from runner import sandbox, static_check
from runner.grade import deadline, outputs
from runner.grade.submissions import MAX_FILE, Intake, Submission, discover, take_in
from runner.labs import Lab, LabError
from runner.lifetime import die_with_parent
from runner.model import build as model_build
from runner.model import lrusim, questions
from runner.model import stage as model_stage
from runner.results import LabReport, Result

MAX_LAB_C = static_check.MAX_SOURCE_BYTES        # one limit, where the check is
MAX_ANSWERS = questions.MAX_ANSWERS_BYTES


def fingerprint(lab_list: list[Lab], stage: str = "model") -> str:
    """What a grade depends on besides the submission."""
    h = hashlib.sha256(stage.encode())
    for lab in lab_list:
        h.update(lab.id.encode())
        for p in sorted([lab.dir / "lab.json", *lab.bad_variants()]):
            h.update(p.read_bytes())
    for p in sorted([*Path(model_build.__file__).parent.glob("*.py"),
                     Path(static_check.__file__), *model_build.LABDIR.iterdir()]):
        h.update(p.read_bytes())
    if model_build.LIBMODEL.exists():
        st = model_build.LIBMODEL.stat()
        h.update(f"{st.st_size} {st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


# ---- in the worker --------------------------------------------------------

_STAGE = ["model"]


def _init_worker(cache: str, timeout: float, stage: str, grader_pid: int,
                 kernel_build: str | None = None) -> None:
    die_with_parent(grader_pid)     # a killed grader leaves no worker grading on
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    mine = Path(cache) / f"w{os.getpid()}"
    mine.mkdir(mode=0o755, exist_ok=True)
    _STAGE[0] = stage
    # a kernel tree per worker, unless the grader built one ahead for its only worker
    os.environ["LRULAB_KBUILD"] = kernel_build or str(mine / "kernel")
    model_build.CACHE = mine / "labs"           # no two workers share a build dir
    lrusim.RUN_TIMEOUT = timeout
    model_stage.WORKERS = 1                     # -j N workers: N sandboxes


def _lab_result(lab: Lab, intake: Intake, student: str) -> LabReport:
    """student: whose instances of the questions are graded (the submission's key)."""
    files = intake.files.get(lab.id, {})
    over = intake.oversize.get(lab.id, {})
    if not files and not over:
        report = LabReport(lab, error="not submitted")
        report.results = [Result(t.name, 0, t.points, f"not submitted: no {lab.id}/ "
                                 "folder in the submission\n") for t in lab.tests] + \
            [Result(f"{q.id} ({q.kind})", 0, q.points, "not submitted\n", "question")
             for q in lab.questions]
        return report
    answers = files.get("answers.txt")
    if lab.has_code and "lab.c" in over:
        why = (f"{lab.id}/lab.c: {over['lab.c']} bytes, more than the "
               f"{MAX_LAB_C // 1024} KiB a lab.c may have")
        report = LabReport(lab, error=why)
        report.results = [Result(t.name, 0, t.points, f"not run: {why}\n") for t in lab.tests]
        report.results += _questions(lab, answers, student)
    else:
        lab_c = files.get("lab.c")
        if lab.has_code and lab_c is None:
            report = LabReport(lab, error=f"no {lab.id}/lab.c in the submission")
            report.results = [Result(t.name, 0, t.points, f"not run: no {lab.id}/lab.c "
                                     "in the submission\n") for t in lab.tests]
            report.results += _questions(lab, answers, student)
        else:
            report = model_stage.grade_lab(lab, lab_c if lab.has_code else None,
                                           answers, f"{lab.id}/lab.c", student)
            if _STAGE[0] != "model" and lab.has_code and not report.error:
                _add_kernel_stage(report, lab, lab_c)
    if "answers.txt" in over:
        report.results.append(Result(
            "answers.txt", 0, 0, f"answers.txt: {over['answers.txt']} bytes; answers are "
            f"short lines (at most {MAX_ANSWERS // 1024} KiB)\n", "note"))
    return report


def _questions(lab: Lab, answers: Path | None, student: str) -> list[Result]:
    return model_stage.questions_of([(lab, answers, student)])[0]


def _add_kernel_stage(report: LabReport, lab: Lab, lab_c: Path) -> None:
    """--stage kernel|all: the lab.c booted in Linux 2.4.17 (UP and SMP), inside
    QEMU; --stage kernel keeps the questions but not the model's tests."""
    from runner.kernel import stage as kernel_stage
    if _STAGE[0] == "kernel":
        report.results = [r for r in report.results if r.kind != "test"]
    report.stage = _STAGE[0]
    if not kernel_stage.tree_available():
        report.results.append(Result("kernel", 0, 0, f"SKIPPED: kernel stage: "
                                     f"{kernel_stage.NO_TREE}\n", "note"))
        return
    report.results += kernel_stage.grade_kernel(lab, lab_c, f"{lab.id}/lab.c")


def visibility_of(lab: Lab) -> dict[str, str]:
    """Each result name of the lab -> its visibility in lab.json (others: visible)."""
    return {**{t.name: t.visibility for t in lab.tests},
            **{f"{q.id} ({q.kind})": q.visibility for q in lab.questions}}


def grade_one(sub: Submission, intake: Intake, lab_ids: list[str], grader: str) -> dict:
    """One student's record (plain data, as results.json keeps it)."""
    start = time.monotonic()
    lab_list = [labs_mod.load(i) for i in lab_ids]
    record = {"student": sub.name, "key": sub.key, "submission": sub.path.name,
              "hash": intake.digest, "grader": grader, "error": intake.error,
              "notes": list(intake.notes), "sandbox": sandbox.describe(), "labs": []}
    for lab in lab_list:
        if intake.error:
            report = LabReport(lab, error=intake.error)
            report.results = [Result(t.name, 0, t.points, f"not run: {intake.error}\n")
                              for t in lab.tests] + \
                [Result(f"{q.id} ({q.kind})", 0, q.points, f"not graded: {intake.error}\n",
                        "question") for q in lab.questions]
        else:
            try:
                report = _lab_result(lab, intake, sub.key)
            except LabError as e:           # grader-side trouble, one line
                report = LabReport(lab, error=f"grader: {e}")
                report.results = [Result("grading", 0, lab.max_points, f"{e}\n")]
        verdict = "graded" if not report.error else \
            report.error if report.error in ("not submitted",) else \
            f"rejected: {report.error}"
        notes = [r.output.strip() for r in report.results if r.kind == "note"]
        record["notes"] += [f"{lab.id}: {n}" for n in notes]
        seen = visibility_of(lab)
        record["labs"].append({
            "id": lab.id, "score": report.score, "max_score": report.max_score,
            "verdict": verdict,
            "tests": [{"name": r.name, "score": r.score, "max_score": r.max_score,
                       "output": r.output, "kind": r.kind,
                       "visibility": seen.get(r.name, "visible")}
                      for r in report.results if r.kind != "note"]})
    record["score"] = sum(l["score"] for l in record["labs"])
    record["max_score"] = sum(l["max_score"] for l in record["labs"])
    record["seconds"] = round(time.monotonic() - start, 2)
    return record


def _grade_in_worker(sub: Submission, intake: Intake, lab_ids: list[str],
                     grader: str) -> dict:
    try:
        return grade_one(sub, intake, lab_ids, grader)
    finally:
        for d in {p.parent.parent for files in intake.files.values() for p in files.values()}:
            shutil.rmtree(d, ignore_errors=True)


# ---- in the parent --------------------------------------------------------

def _fmt(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


class Progress:
    """A live line on a terminal, one line per student otherwise."""

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.stream = total, stream
        self.tty = stream.isatty()
        self.start = time.monotonic()
        self.done = self.errors = self.graded_now = 0

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        text = f"graded {self.done}/{self.total} · {self.errors} errors · " \
               f"{_fmt(elapsed)} elapsed"
        left = self.total - self.done
        if self.graded_now and left:
            text += f" · ~{_fmt(elapsed / self.graded_now * left)} left"
        return text

    def tick(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + self.line())
            self.stream.flush()

    def student(self, record: dict, fresh: bool) -> None:
        self.done += 1
        self.graded_now += fresh
        self.errors += bool(record.get("error"))
        if self.tty:
            self.tick()
        else:
            how = "" if fresh else " (up to date)"
            self.stream.write(f"graded {self.done}/{self.total} {record['student']}: "
                              f"{record['score']}/{record['max_score']}{how}\n")
            self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + self.line() + "\n")
            self.stream.flush()


class Batch:
    def __init__(self, root: Path, out: Path, lab_ids: list[str] | None, jobs: int,
                 force: bool, timeout: float, stream=sys.stderr,
                 stage: str = "model", shown: tuple[str, ...] = (),
                 policy: deadline.Policy | None = None,
                 kernel_build: Path | None = None) -> None:
        self.stage = stage
        # kernel trees already built (Gradescope's image): make relinks only the lab
        if kernel_build is not None and jobs != 1:
            raise LabError("one kernel build folder serves one worker: use -j 1")
        self.kernel_build = kernel_build
        self.root, self.out = root.resolve(), out.resolve()
        if self.out == self.root or self.root in self.out.parents:
            raise LabError(f"--out {out}: inside the submissions folder; put it elsewhere")
        all_labs = labs_mod.all_labs()
        self.all_ids = {l.id for l in all_labs}
        ids = lab_ids or [l.id for l in all_labs]
        for i in ids:
            if i not in self.all_ids:
                raise LabError(f"--labs: no lab {i!r}; labs are {', '.join(sorted(self.all_ids))}")
        self.lab_ids = ids
        self.labs = [labs_mod.load(i) for i in ids]
        self.jobs, self.force, self.timeout, self.stream = max(1, jobs), force, timeout, stream
        self.policy = policy
        self.grader = fingerprint(self.labs, self.stage + (f" {policy.key()}" if policy
                                                          else ""))
        due = policy is not None and datetime.now(timezone.utc) >= policy.deadline
        self.shown = outputs.STUDENT_SEES + (("after_due_date",) if due else ()) + \
            tuple(shown)
        self.picks: dict[str, deadline.Pick | None] = {}
        self.records: dict[str, dict] = {}

    def _save(self, record: dict, results: dict | None = None) -> None:
        d = self.out / "students" / record["key"]
        results = results or outputs.results_json(record)
        outputs.atomic_write(d / "results.json", json.dumps(results, indent=1) + "\n")
        self._pages(record, results)
        self.records[record["key"]] = outputs.record_of(results) or record
        self._write_class()

    def _pages(self, record: dict, results: dict) -> None:
        """The student's page (only the visibilities they may see) and the
        instructor's (everything), rewritten on every run."""
        d = self.out / "students" / record["key"]
        rec = outputs.record_of(results) or record
        outputs.atomic_write(d / "report.html", outputs.student_html(rec, results,
                                                                     self.shown))
        outputs.atomic_write(d / "instructor.html", outputs.student_html(rec, results))

    def _write_class(self) -> None:
        recs = list(self.records.values())
        outputs.atomic_write(self.out / "gradebook.csv",
                             outputs.gradebook_csv(recs, self.lab_ids))
        outputs.atomic_write(self.out / "report.html",
                             outputs.report_html(recs, self.lab_ids, sandbox.describe()))

    def _lock_out(self) -> None:
        """One grader per --out: two would each write the gradebook from their
        own records.  The lock goes with the process, however it ends."""
        self._lock = open(self.out / ".grading", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise LabError(f"--out {self.out}: another ./lab grade is writing there; "
                           "wait for it to end or choose another --out")

    def run(self) -> int:
        subs, skipped = discover(self.root)
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock_out()
        log = outputs.Log(self.out / "grade.log")
        header = sandbox.describe()
        log(f"grade {self.root} -> {self.out}: {len(subs)} submissions, labs "
            f"{','.join(self.lab_ids)}, -j {self.jobs}, grader {self.grader}")
        log(header)
        print(header, file=self.stream)
        for s in skipped:
            log(f"skipped {s}")
        cache = Path(tempfile.mkdtemp(prefix="lrulab-grade-"))
        os.chmod(cache, 0o700)     # submissions taken in: the grader's eyes only
        progress = Progress(len(subs), self.stream)
        pending: dict[cf.Future, Submission] = {}
        pool = cf.ProcessPoolExecutor(
            self.jobs, initializer=_init_worker,
            initargs=(str(cache), self.timeout, self.stage, os.getpid(),
                      str(self.kernel_build) if self.kernel_build else None))
        try:
            todo = []
            for sub in subs:
                dest = cache / "stage" / sub.key
                intake = self._take_in(sub, dest, cache)
                old = outputs.load_json(self.out / "students" / sub.key / "results.json")
                rec = outputs.record_of(old) if old else None
                if not self.force and rec and rec.get("hash") == intake.digest and \
                        rec.get("grader") == self.grader:
                    shutil.rmtree(dest, ignore_errors=True)
                    self.records[sub.key] = rec
                    self._pages(rec, old)
                    progress.student(rec, fresh=False)
                    continue
                todo.append((sub, intake))
            if self.records:
                self._write_class()
            for sub, intake in todo:
                fut = pool.submit(_grade_in_worker, sub, intake, self.lab_ids, self.grader)
                pending[fut] = sub
            while pending:
                done, _ = cf.wait(pending, timeout=1.0, return_when=cf.FIRST_COMPLETED)
                progress.tick()
                for fut in done:
                    sub = pending.pop(fut)
                    try:
                        record = fut.result()
                    except Exception as e:      # the grader's own failure: say so
                        record = self._crashed(sub, e)
                    if self.policy:
                        record = deadline.apply(record, self.picks.get(sub.key), self.policy)
                    self._save(record)
                    verdicts = "; ".join(f"{l['id']} {l['score']}/{l['max_score']} "
                                         f"{l['verdict']}" for l in record["labs"])
                    log(f"{record['student']} [{record['key']}]: {record['score']}/"
                        f"{record['max_score']} in {record['seconds']} s: {verdicts}")
                    for n in record["notes"]:
                        log(f"  note: {n}")
                    if record.get("error"):
                        log(f"  not graded: {record['error']}")
                    progress.student(record, fresh=True)
            pool.shutdown()
        except KeyboardInterrupt:
            for p in list(getattr(pool, "_processes", {}).values()):
                p.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            progress.end()
            log(f"interrupted: {len(self.records)} of {len(subs)} saved")
            print(f"lab grade: interrupted; {len(self.records)} of {len(subs)} students "
                  "saved. Run the same command again to go on.", file=self.stream)
            return 130
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        self._write_class()
        progress.end()
        total = time.monotonic() - progress.start
        log(f"done: {len(subs)} students, {progress.graded_now} graded now, "
            f"{progress.done - progress.graded_now} up to date, {progress.errors} not "
            f"graded, {total:.1f} s")
        log.close()
        print(f"lab grade: {len(subs)} students ({progress.graded_now} graded now, "
              f"{progress.done - progress.graded_now} up to date) in {_fmt(total)}; "
              f"{self.out / 'gradebook.csv'}, {self.out / 'report.html'}", file=self.stream)
        return 0

    def _take_in(self, sub: Submission, dest: Path, cache: Path) -> Intake:
        """With --deadline, a git repository is taken in from the commit it picks."""
        if not (self.policy and deadline.is_repository(sub.path)):
            return take_in(sub, dest, self.lab_ids, self.all_ids)
        chosen = deadline.pick(sub.path, self.policy)
        self.picks[sub.key] = chosen
        tree = deadline.export(sub.path, chosen.commit, cache / "git" / f"{sub.key}.tar")
        intake = take_in(replace(sub, path=tree), dest, self.lab_ids, self.all_ids)
        intake.digest = deadline.digest(intake.digest, chosen)
        return intake

    def _crashed(self, sub: Submission, e: Exception) -> dict:
        why = f"the grader failed on this submission ({type(e).__name__}: {e})"
        labs = [{"id": l.id, "score": 0, "max_score": l.max_points, "verdict": why,
                 "tests": [{"name": "grading", "score": 0, "max_score": l.max_points,
                            "output": why + "\n", "kind": "test"}]} for l in self.labs]
        return {"student": sub.name, "key": sub.key, "submission": sub.path.name,
                "hash": "", "grader": self.grader, "error": why, "notes": list(sub.notes),
                "sandbox": sandbox.describe(), "labs": labs, "score": 0,
                "max_score": sum(l.max_points for l in self.labs), "seconds": 0}
