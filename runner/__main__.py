"""./lab: the course's command line.

  ./lab list                         the labs, in teaching order
  ./lab start ID [--force]           write the skeleton to work/ID/lab.c
  ./lab test ID [--file PATH] [--stage model]   grade your lab.c and answers
  ./lab boot [--variant V|--file F] [--smp]   watch the kernel stage boot live
  ./lab check [--quiet]              instructor: references, bad variants, skeletons
  ./lab grade SUBMISSIONS --out DIR [--labs ID,...] [-j N] [--force]
                                     instructor: grade a class (docs/grading.md)

Exit status: 0 full marks (or check passed), 1 some tests failed, 2 bad input.
"""
import argparse
import os
import sys
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


def cmd_test(args: argparse.Namespace) -> int:
    from runner.kernel import stage as kernel_stage
    from runner.model.stage import grade_lab
    from runner.report import print_report
    lab = labs.load(args.id)
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
    print_report(report, verbose=not args.quiet, save_to=labs.WORK / lab.id / "feedback")
    if report.error:
        print(f"lab: {report.error}", file=sys.stderr)
        return 2
    return 0 if report.score == report.max_score else 1


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
    argv = ["boot", "--live"] + (["--smp"] if args.smp else [])
    if lab_c:
        argv += ["--lab", str(labs.ROOT / lab_c) if not args.file else lab_c]
    for w in args.workload or ["cow", "swap", "pin", "pressure"]:
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


def cmd_check(args: argparse.Namespace) -> int:
    from runner.selftest import check_all
    return check_all(quiet=args.quiet, only=args.labs)


def cmd_grade(args: argparse.Namespace) -> int:
    from runner.grade.batch import Batch
    if args.jobs < 1:
        raise LabError("-j: at least 1")
    ids = [i.strip() for i in args.labs.split(",") if i.strip()] if args.labs else None
    return Batch(Path(args.submissions), Path(args.out), ids, args.jobs, args.force,
                 args.timeout, stage=args.stage).run()


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
    p.set_defaults(fn=cmd_test)
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
    p.set_defaults(fn=cmd_boot)
    p = sub.add_parser("check", help="instructor: every lab grades as it should")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--labs", help="comma-separated lab ids (default: all)")
    p.set_defaults(fn=cmd_check)
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
