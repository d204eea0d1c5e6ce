"""./lab: the course's command line.

  ./lab list                         the labs, in teaching order
  ./lab start ID [--force]           write the skeleton to work/ID/lab.c
  ./lab test ID [--file PATH] [--stage model]   grade your lab.c and answers
  ./lab test ID --only NAME | --list-tests   one test or question, in full
  ./lab debug ID [--test NAME] [--step N]   replay a failure under gdb, stopped in your hook
  ./lab submit [ID...]               check your hand-in, then write the archive to hand in
  ./lab boot [--variant V|--file F] [--smp] [--gdb]   watch the kernel stage boot live
  ./lab selftest [--quiet]           instructor: references, bad variants, skeletons
  ./lab grade SUBMISSIONS --out DIR [--labs ID,...] [-j N] [--force]
                [--deadline TIME [--late-days N] [--penalty P]] [--published]
                                     instructor: grade a class (docs/grading.md)

Exit status: 0 full marks (or check passed), 1 some tests failed, 2 bad input.
"""
import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from runner import labs
from runner.labs import LabError


def cmd_list(args: argparse.Namespace) -> int:
    for lab in labs.all_labs():
        kind = "code + questions" if lab.has_code else "questions"
        print(f"{lab.id:<18} {lab.title}  [{kind}, {lab.max_points} points]")
    return 0


STUDENT = "student"          # work/student: the id the grader knows you by


def student_id(given: str | None) -> str | None:
    """--student, else what ./lab start --student saved in work/student."""
    if given is not None:
        if not given.strip() or "\n" in given:
            raise LabError("--student: give the id your course grades you by (one line)")
        return given.strip()
    saved = labs.WORK / STUDENT
    return saved.read_text().strip() or None if saved.exists() else None


def cmd_start(args: argparse.Namespace) -> int:
    from runner.model.questions import command, instance_for
    from runner.skeleton import make_skeleton
    lab = labs.load(args.id)
    work = labs.WORK / lab.id
    work.mkdir(parents=True, exist_ok=True)
    if args.student is not None:
        (labs.WORK / STUDENT).write_text(student_id(args.student) + "\n")
    student = student_id(None)
    written = []
    if lab.has_code:
        target = work / "lab.c"
        if target.exists() and not args.force:
            raise LabError(f"{target} exists; not overwriting your work "
                           "(use --force to start over)")
        skeleton = lab.dir / "skeleton.c"     # a student kit has no solution.c
        target.write_text(skeleton.read_text() if skeleton.exists() and
                          not lab.solution.exists() else
                          make_skeleton(lab.solution.read_text(), lab.id))
        written.append(target)
    answers = work / "answers.txt"
    if lab.questions and (not answers.exists() or args.force):
        lines = [f"# {lab.id}: answers.  One line per question: ID: answer",
                 f"# Your questions are yours: student {student!r}, each on its own instance"
                 if student else "# No student id: these are instance 0's questions "
                 "(./lab start ID --student YOUR-ID)", ""]
        for q in lab.questions:
            n = instance_for(student, lab, q)
            lines += [f"# {q.id} ({q.kind}, {q.points} points): {q.text}",
                      f"# your instance: {n}; explore it with: {command(lab, q, n)}",
                      f"{q.id}: ", ""]
        answers.write_text("\n".join(lines))
        written.append(answers)
    for path in written:
        print(f"wrote {path}")
    print(f"read labs/{lab.id}/README.md, then: ./lab test {lab.id}")
    return 0


def cmd_list_tests(lab: labs.Lab) -> int:
    """./lab test ID --list-tests: what --only can pick."""
    def seen(v: str) -> str:
        return "" if v == "visible" else f" [{v}]"
    for t in lab.tests:
        print(f"{t.name:<24} test      {t.points:>3} points  {t.scenario} ({t.check})"
              f"{seen(t.visibility)}")
    for q in lab.questions:
        print(f"{q.id:<24} question  {q.points:>3} points  {q.kind}: {q.text}"
              f"{seen(q.visibility)}")
    if lab.has_code:
        for f in ("up", "smp"):
            print(f"{'kernel-' + f:<24} kernel    the lab.c booted in Linux 2.4.17 "
                  f"({f.upper()}, --stage kernel)")
    return 0


def only(lab: labs.Lab, name: str) -> labs.Lab:
    """The lab with one test or question left (--only NAME)."""
    tests = [t for t in lab.tests if t.name == name]
    questions = [q for q in lab.questions if q.id == name]
    if not tests and not questions:
        raise LabError(f"--only {name}: {lab.id} has no test or question of that name; "
                       f"./lab test {lab.id} --list-tests lists them")
    # a question alone needs no lab.c: it is graded without the code
    return replace(lab, tests=tests, questions=questions,
                   hooks=lab.hooks if tests else [])


def cmd_test(args: argparse.Namespace) -> int:
    from runner.kernel import stage as kernel_stage
    from runner.model.stage import grade_lab
    from runner.report import print_report
    lab = labs.load(args.id)
    if args.list_tests:
        return cmd_list_tests(lab)
    kernel_only = args.only in ("kernel-up", "kernel-smp") and lab.has_code
    if kernel_only:
        args.stage = "kernel"
    elif args.only:
        if args.stage != "model":
            raise LabError(f"--only {args.only}: a model test or question; "
                           "kernel-up or kernel-smp for the kernel stage")
        lab = only(lab, args.only)
    lab_c = Path(args.file) if args.file else labs.WORK / lab.id / "lab.c"
    answers = Path(args.answers) if args.answers else labs.WORK / lab.id / "answers.txt"
    label = args.file or f"work/{lab.id}/lab.c"
    student = student_id(args.student)
    report = grade_lab(lab, lab_c if lab.has_code else None, answers, label, student)
    report.stage = args.stage
    if args.stage == "kernel":
        if not lab.has_code:
            raise LabError(f"{lab.id} has questions only: it has no kernel stage")
        # a file the static check refused scores 0 of the kernel's points
        report.results = kernel_stage.not_run(lab, report.error) if report.error else []
    if args.stage in ("kernel", "all") and lab.has_code and not report.error:
        model_failed = any(r.kind == "test" and r.score < r.max_score
                           for r in report.results)
        if args.stage == "all" and model_failed and not args.kernel_anyway:
            print("kernel stage: skipped, the model stage already failed "
                  "(--kernel-anyway boots it all the same)")
            report.results += kernel_stage.not_run(
                lab, "the model stage failed; fix that first (or --kernel-anyway)")
        elif args.stage == "all" and not kernel_stage.tree_available():
            print(f"SKIPPED: kernel stage: {kernel_stage.NO_TREE}")
        else:
            report.results += kernel_stage.grade_kernel(lab, lab_c, label)
    if kernel_only:
        report.results = [r for r in report.results if r.name == args.only]
    print_report(report, verbose=not args.quiet, save_to=labs.WORK / lab.id / "feedback")
    if report.error:
        print(f"lab: {report.error}", file=sys.stderr)
        return 2
    return 0 if report.score == report.max_score else 1


def cmd_debug(args: argparse.Namespace) -> int:
    """Replay a failing schedule under gdb, stopped in your hook."""
    from runner.debug import model as debug_model
    lab = labs.load(args.id)
    lab_c = Path(args.file) if args.file else labs.WORK / lab.id / "lab.c"
    return debug_model.run(lab, lab_c, args.file or f"work/{lab.id}/lab.c", args.test,
                           args.step, args.schedule, args.batch, args.ex or [])


def cmd_submit(args: argparse.Namespace) -> int:
    """The pre-flight before handing in, then the archive the grader takes."""
    from runner import submit
    return submit.run(args.ids, Path(args.out) if args.out else None,
                      student_id(args.student), git=not args.no_git)


# the historical variants that are a lab.c in the kernel (fix-0212: no lab.c)
KERNEL_VARIANTS = {
    "fix-0212": None,
    "vanilla-pre9": "labs/02-leave-on-lru/bad/pre9-lru-cache-del.c",
    "flawed-0207": "labs/02-leave-on-lru/bad/flawed-0207.c",
}


def cmd_boot(args: argparse.Namespace) -> int:
    """Watch one boot of the kernel stage live: a variant or your lab.c."""
    from runner.kernel import cli as kernel_cli
    if args.file and args.variant:
        raise LabError("give --variant or --file, not both")
    if args.variant and args.variant not in KERNEL_VARIANTS:
        raise LabError(f"--variant {args.variant}: the kernel has "
                       f"{', '.join(KERNEL_VARIANTS)}")
    lab_c = args.file or (KERNEL_VARIANTS.get(args.variant) if args.variant else None)
    argv = ["boot", "--live"] + (["--smp"] if args.smp else []) + \
        (["--gdb"] if args.gdb else [])
    if lab_c:
        argv += ["--lab", str(labs.ROOT / lab_c) if not args.file else lab_c]
    from runner.kernel.stage import WORKLOADS
    for w in args.workload or WORKLOADS:
        argv += ["--workload", w]
    if args.delay:
        argv += ["--append", f"lrulab_delay={args.delay}"]
    if os.environ.get("KERNEL_SRC"):
        argv += ["--kernel-src", os.environ["KERNEL_SRC"]]
    return kernel_cli.main(argv)


def cmd_build_labs(args: argparse.Namespace) -> int:
    """make labs: each solution passes the static check, each handout's grading
    table agrees with lab.json; skeletons into build/."""
    from runner import handout, static_check
    from runner.skeleton import make_skeleton
    for lab in labs.all_labs():
        if handout.stale(lab):
            raise LabError(f"labs/{lab.id}/README.md: its grading table disagrees with "
                           "lab.json; run ./lab tables")
        if not lab.has_code:
            continue
        out = labs.BUILD / "skeletons" / lab.id
        out.mkdir(parents=True, exist_ok=True)
        if lab.solution.exists():
            try:
                static_check.check_file(lab.solution, lab.hooks,
                                        f"labs/{lab.id}/solution.c")
            except static_check.StaticCheckError as e:
                raise LabError(str(e)) from None
            (out / "lab.c").write_text(make_skeleton(lab.solution.read_text(), lab.id))
        print(f"  LAB     {lab.id}")
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    """Rewrite each handout's grading table from its lab.json."""
    from runner import handout
    for lab in labs.all_labs():
        if handout.write(lab):
            print(f"wrote labs/{lab.id}/README.md (its grading table)")
    return 0


def cmd_selftest(args: argparse.Namespace) -> int:
    from runner.selftest import check_all
    return check_all(quiet=args.quiet, only=args.labs)


def cmd_grade(args: argparse.Namespace) -> int:
    from runner.grade import deadline
    from runner.grade.batch import Batch
    if args.jobs < 1:
        raise LabError("-j: at least 1")
    ids = [i.strip() for i in args.labs.split(",") if i.strip()] if args.labs else None
    policy = deadline.policy(args.deadline, args.late_days, args.penalty)
    return Batch(Path(args.submissions), Path(args.out), ids, args.jobs, args.force,
                 args.timeout, stage=args.stage, policy=policy,
                 shown=("after_published",) if args.published else ()).run()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="the labs").set_defaults(fn=cmd_list)
    p = sub.add_parser("start", help="write the skeleton to work/ID/")
    p.add_argument("id")
    p.add_argument("--force", action="store_true")
    p.add_argument("--student", help="the id your course grades you by (saved in "
                   "work/student): your questions are yours")
    p.set_defaults(fn=cmd_start)
    p = sub.add_parser("test", help="grade work/ID/lab.c and work/ID/answers.txt")
    p.add_argument("id")
    p.add_argument("--file", help="grade this file instead of work/ID/lab.c")
    p.add_argument("--answers", help="answers file instead of work/ID/answers.txt")
    p.add_argument("--stage", default="model", choices=["model", "kernel", "all"])
    p.add_argument("--kernel-anyway", action="store_true",
                   help="with --stage all: boot the kernel even if the model stage failed")
    p.add_argument("--student", help="answer as this student (default: work/student)")
    p.add_argument("--quiet", action="store_true", help="one line per test")
    p.add_argument("--only", metavar="NAME", help="one test or question (its full report)")
    p.add_argument("--list-tests", action="store_true",
                   help="the lab's tests and questions, for --only")
    p.set_defaults(fn=cmd_test)
    p = sub.add_parser("debug", help="replay a failing schedule under gdb, stopped in "
                       "your hook")
    p.add_argument("id")
    p.add_argument("--file", help="debug this file instead of work/ID/lab.c")
    p.add_argument("--test", help="the test whose failure to replay (default: the first "
                   "that fails)")
    p.add_argument("--step", type=int, help="the trace step to stop at (default: the "
                   "last step your code takes)")
    p.add_argument("--schedule", help="replay this schedule instead of a failing one, in "
                   "--test NAME's scenario (default: the lab's first test)")
    p.add_argument("--batch", action="store_true", help="run gdb without a prompt: the "
                   "stop, then the --ex commands")
    p.add_argument("--ex", action="append", metavar="CMD",
                   help="a gdb command to run at the stop (repeatable)")
    p.set_defaults(fn=cmd_debug)
    p = sub.add_parser("submit", help="check your hand-in as the grader will, then "
                       "write the archive")
    p.add_argument("ids", nargs="*", metavar="ID", help="labs (default: every work/ID/)")
    p.add_argument("--out", help="the archive (default: build/submit/STUDENT.zip)")
    p.add_argument("--student", help="your id (default: what ./lab start --student saved)")
    p.add_argument("--no-git", action="store_true",
                   help="skip the check that your files are committed")
    p.set_defaults(fn=cmd_submit)
    sub.add_parser("build-labs", help="(make labs) check solutions, write skeletons"
                   ).set_defaults(fn=cmd_build_labs)
    sub.add_parser("tables", help="instructor: rewrite the handouts' grading tables "
                   "from lab.json").set_defaults(fn=cmd_tables)
    p = sub.add_parser("boot", help="boot the kernel stage and watch it live")
    p.add_argument("--variant", help="fix-0212 (default), vanilla-pre9 or flawed-0207")
    p.add_argument("--file", help="your lab.c instead of a variant")
    p.add_argument("--smp", action="store_true", help="two cpus")
    p.add_argument("--workload", action="append",
                   help="cow, swap, pin, pressure, race (repeatable)")
    p.add_argument("--delay", type=int, help="delay points of US microseconds (races)")
    p.add_argument("--gdb", action="store_true", help="QEMU waits for gdb-multiarch; "
                   "prints the command (docs/kernel.md)")
    p.set_defaults(fn=cmd_boot)
    p = sub.add_parser("selftest", help="instructor: every lab grades as it should")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--labs", help="comma-separated lab ids (default: all)")
    p.set_defaults(fn=cmd_selftest)
    p = sub.add_parser("grade", help="instructor: grade a folder of submissions")
    p.add_argument("submissions", help="folder: one folder, .tar.gz, .tgz or .zip per student")
    p.add_argument("--out", required=True, help="output folder (results, gradebook, report)")
    p.add_argument("--labs", help="comma-separated lab ids (default: all)")
    p.add_argument("--stage", default="model", choices=["model", "kernel", "all"])
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2,
                   help="submissions graded at once (default: cpus)")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions")
    p.add_argument("--timeout", type=float, default=60,
                   help="seconds per model run before it is killed (default 60)")
    p.add_argument("--deadline", metavar="TIME", help="ISO time: a git repository is "
                   "graded at its last commit by then (docs/grading.md)")
    p.add_argument("--late-days", type=int, default=0, metavar="N",
                   help="with --deadline: commits up to N days late are taken, as late")
    p.add_argument("--penalty", default="0", metavar="P",
                   help="per late day: 10%% of the score, or 5 (points); default 0")
    p.add_argument("--published", action="store_true", help="students' pages show the "
                   "after_published tests too")
    p.set_defaults(fn=cmd_grade)
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except LabError as e:
        print(f"lab: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
