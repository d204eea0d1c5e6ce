"""python3 -m runner.kernel COMMAND: the kernel stage from the command line.

  src     obtain + verify the 2.4.17 tree into the cache (KERNEL_SRC / KERNEL_TARBALL / download)
  build   patched UP and SMP bzImages into build/kernel/
  guest   the guest initrd
  boot    boot one kernel with the guest and print the verdict
  stage   the kernel stage for one lab.c: UP + SMP build and boot, a JSON verdict
  campaign  boot one kernel N times, count crashes and other problems
  bench   timings: full and incremental builds, boots, per-lab kernel stage
  replays the directed replays repeated: bad variants and correct files, N boots each
  verdicts  every bad variant: the model's failure, the kernel's verdict with replay and
          without; --write-docs puts the table in docs/kernel.md
  verify  check a tree against kernel-tree-patches/checksums.sha256
  pin     (maintainers) rewrite checksums.sha256 from a pristine tree

Exit status: 0 success, 1 a boot or build found a problem, 2 bad input or no tree
(one-line reason on stderr).
"""
from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from pathlib import Path

from runner.debug.kernel import KernelDebug, KernelDebugError

from . import (bench, build, campaign, guest, labobj, patches, paths, qemu, replays, source,
               stage, verdicts)

NO_TREE = (f"no Linux {paths.VERSION} tree: run `make kernel-src` "
           f"(or KERNEL_SRC=DIR / KERNEL_TARBALL=FILE)")


def tree_or_exit(kernel_src: str | None) -> Path:
    tree = source.find(kernel_src)
    if tree is None:
        raise source.SourceError(NO_TREE)
    return tree


def cmd_src(a: argparse.Namespace) -> int:
    source.install(a.kernel_src, a.kernel_tarball)
    return 0


def cmd_verify(a: argparse.Namespace) -> int:
    source.verify(Path(a.tree))
    print(f"{a.tree}: Linux {paths.VERSION}, every file the patches touch is as pinned")
    return 0


def cmd_pin(a: argparse.Namespace) -> int:
    tree = Path(a.tree)
    names = {n for n, new in patches.all_touched().items() if not new} | set(paths.LAB_FILES)
    lines = [f"{source.sha256(tree / name)}  {name}" for name in sorted(names)]
    paths.CHECKSUMS.write_text("\n".join(lines) + "\n")
    print(f"{paths.CHECKSUMS}: {len(lines)} files pinned")
    return 0


def flavours(choice: str) -> list[str]:
    return list(paths.FLAVOURS) if choice == "all" else [choice]


def cmd_build(a: argparse.Namespace) -> int:
    tree = tree_or_exit(a.kernel_src)
    for f in flavours(a.flavour):
        r = build.build(tree, f, jobs=a.jobs, lab=Path(a.lab) if a.lab else None)
        print(f"kernel: {r.bzimage} ({'fresh tree' if r.fresh_tree else 'incremental'}, "
              f"{r.seconds:.1f} s)")
    return 0


def cmd_guest(a: argparse.Namespace) -> int:
    print(f"guest: {guest.build()}")
    return 0


def cmd_boot(a: argparse.Namespace) -> int:
    flavour = "smp" if a.smp else a.flavour
    out = paths.build_dir()
    bz = out / f"bzImage-{flavour}"
    tree = source.find(a.kernel_src)
    gdb = None
    if a.gdb:                   # runner/debug/kernel.py: QEMU waits for gdb-multiarch
        gdb = KernelDebug(flavour, out)
    if tree is not None:
        # always bring the kernel up to date, so that it holds exactly --lab
        # (or no lab.c); incremental, about a second when nothing changed
        with gdb.build_flags() if gdb else contextlib.nullcontext():
            build.build(tree, flavour, lab=Path(a.lab) if a.lab else None)
    elif a.lab or a.gdb or not bz.is_file():
        raise source.SourceError(NO_TREE)
    initrd = guest.build()
    if gdb:
        gdb.write(tree, Path(a.lab) if a.lab else None)
        gdb.end_qemu_on_hangup()
        print(gdb.instructions(), flush=True)
    live = (lambda s: (sys.stdout.write(s), sys.stdout.flush())) if a.live else None
    timeout = a.timeout if a.timeout is not None else math.inf if gdb else 120
    run_id, run_dir = paths.new_run_dir(f"boot-{flavour}")
    print(f"run {run_id}", flush=True)
    r = qemu.boot(bz, initrd, run_dir, flavour, smp=flavour == "smp",
                  workloads=tuple(a.workload + a.append), memory_mb=a.memory,
                  timeout=timeout, live=live, extra=gdb.qemu_args() if gdb else None,
                  retry_starved=not gdb)
    if r.retried:
        print(f"note: {r.retried}")
    for line in r.report:
        if not line.startswith("proc meminfo"):
            print(f"report: {line}")
    problems = r.problems()
    for p in problems:
        print(f"PROBLEM {p}")
    if problems and (out / f"System.map-{flavour}").is_file():
        for line in qemu.decode_oops(r.console, out / f"System.map-{flavour}"):
            print(f"  {line}")
    first = f"{r.first_report:.1f} s" if r.first_report is not None else "never"
    print(f"boot {flavour}: {r.seconds:.1f} s, first report line after {first}, "
          f"guest status {r.status}, console in {r.console_log}")
    return 0 if not problems and r.status == 0 else 1


def cmd_stage(a: argparse.Namespace) -> int:
    v = stage.run(Path(a.lab) if a.lab else None, tree_or_exit(a.kernel_src),
                  flavours=tuple(flavours(a.flavour)), timeout=a.timeout)
    print(v.to_json())
    return 0 if v.passed else 1


def cmd_campaign(a: argparse.Namespace) -> int:
    if a.boots < 1:
        raise source.SourceError("--boots: at least 1")
    s = campaign.run(tree_or_exit(a.kernel_src), a.flavour, tuple(a.workload + a.append),
                     a.boots, lab=Path(a.lab) if a.lab else None, timeout=a.timeout)
    return 0 if s["clean"] == s["boots"] else 1


def cmd_replays(a: argparse.Namespace) -> int:
    if a.boots < 1:
        raise source.SourceError("--boots: at least 1")
    rows = replays.run(tree_or_exit(a.kernel_src),
                       tuple(a.lab) if a.lab else verdicts.LABS, a.boots)
    text = replays.table(rows)
    if a.write_docs:
        replays.write_doc(text)
        print(f"{verdicts.DOC}: replay table written")
    else:
        print(text)
    wrong = [r for r in rows if (r["rejected"] == r["boots"]) != (r["expect"] == "rejected")
             or r["met"] != r["boots"]]
    return 1 if wrong else 0


def cmd_bench(a: argparse.Namespace) -> int:
    bench.run(tree_or_exit(a.kernel_src))
    return 0


def cmd_verdicts(a: argparse.Namespace) -> int:
    tree = tree_or_exit(a.kernel_src) if a.boot != "none" else None
    labs = tuple(a.lab) if a.lab else verdicts.LABS
    cache = verdicts.collect(labs, tuple(a.variant), a.boot, tree)
    text = verdicts.table(cache)
    if a.write_docs:
        verdicts.write_doc(text)
        print(f"{verdicts.DOC}: verdict table written")
    else:
        print(text)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m runner.kernel", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    env_src = os.environ.get("KERNEL_SRC") or None
    s = sub.add_parser("src", help="obtain and verify the 2.4.17 tree")
    s.add_argument("--kernel-src", default=env_src, help="a pristine tree (default $KERNEL_SRC)")
    s.add_argument("--kernel-tarball", default=os.environ.get("KERNEL_TARBALL") or None,
                   help="the release tarball (default $KERNEL_TARBALL)")
    s.set_defaults(func=cmd_src)
    s = sub.add_parser("verify", help="check a tree against the pinned checksums")
    s.add_argument("tree")
    s.set_defaults(func=cmd_verify)
    s = sub.add_parser("pin", help="rewrite checksums.sha256 from a pristine tree")
    s.add_argument("tree")
    s.set_defaults(func=cmd_pin)
    s = sub.add_parser("build", help="build the bzImages")
    s.add_argument("--flavour", choices=[*paths.FLAVOURS, "all"], default="all")
    s.add_argument("--kernel-src", default=env_src)
    s.add_argument("-j", "--jobs", type=int, default=None)
    s.add_argument("--lab", help="a lab.c to build into the kernel (default: none, i.e. "
                   "the 12 Feb 2002 behaviour at every hook)")
    s.set_defaults(func=cmd_build)
    s = sub.add_parser("guest", help="build the guest initrd")
    s.set_defaults(func=cmd_guest)
    s = sub.add_parser("boot", help="boot a kernel with the guest")
    s.add_argument("--flavour", choices=paths.FLAVOURS, default="up")
    s.add_argument("--smp", action="store_true", help="same as --flavour smp")
    s.add_argument("--workload", action="append", default=[],
                   help="a guest workload (repeatable): cow, swap, pin, pressure, race")
    s.add_argument("--lab", help="build this lab.c into the kernel first")
    s.add_argument("--append", action="append", default=[],
                   help="extra kernel command-line word, e.g. lrulab_delay=2000 (repeatable)")
    s.add_argument("--memory", type=int, default=32, help="guest RAM in MB")
    s.add_argument("--timeout", type=float, default=None,
                   help="seconds before QEMU is killed (default 120; none with --gdb)")
    s.add_argument("--live", action="store_true", help="show the console as it runs")
    s.add_argument("--gdb", action="store_true",
                   help="QEMU waits for gdb-multiarch (-S, a gdb stub); writes its .gdbinit")
    s.add_argument("--kernel-src", default=env_src)
    s.set_defaults(func=cmd_boot)
    s = sub.add_parser("stage", help="the kernel stage for one lab.c (JSON verdict)")
    s.add_argument("--lab", help="the lab.c (default: none, the 12 Feb 2002 behaviour)")
    s.add_argument("--flavour", choices=[*paths.FLAVOURS, "all"], default="all")
    s.add_argument("--timeout", type=float, default=stage.TIMEOUT)
    s.add_argument("--kernel-src", default=env_src)
    s.set_defaults(func=cmd_stage)
    s = sub.add_parser("campaign", help="boot one kernel N times and count problems")
    s.add_argument("--flavour", choices=paths.FLAVOURS, default="smp")
    s.add_argument("--workload", action="append", default=[],
                   help="a guest workload (repeatable)")
    s.add_argument("--append", action="append", default=[],
                   help="extra kernel command-line word (repeatable)")
    s.add_argument("--boots", type=int, default=100)
    s.add_argument("--lab", help="a lab.c to build in (default: none)")
    s.add_argument("--timeout", type=float, default=120)
    s.add_argument("--kernel-src", default=env_src)
    s.set_defaults(func=cmd_campaign)
    s = sub.add_parser("verdicts", help="the verdict table: model, kernel with and "
                       "without replay, for every bad variant")
    s.add_argument("--lab", action="append", choices=verdicts.LABS,
                   help="only this lab (repeatable)")
    s.add_argument("--variant", action="append", default=[],
                   help="only this bad variant, by name (repeatable)")
    s.add_argument("--boot", choices=("none", "planned", "all"), default="none",
                   help="boot the kernel for no variant (the cached verdicts only), those "
                   "with a replay plan, or all (slow: about a minute each)")
    s.add_argument("--write-docs", action="store_true",
                   help="replace the table in docs/kernel.md")
    s.add_argument("--kernel-src", default=env_src)
    s.set_defaults(func=cmd_verdicts)
    s = sub.add_parser("replays", help="the directed replays, N boots per lab.c")
    s.add_argument("--lab", action="append", choices=verdicts.LABS,
                   help="only this lab (repeatable)")
    s.add_argument("--boots", type=int, default=10)
    s.add_argument("--write-docs", action="store_true",
                   help="replace the replay table in docs/kernel.md")
    s.add_argument("--kernel-src", default=env_src)
    s.set_defaults(func=cmd_replays)
    s = sub.add_parser("bench", help="time builds and boots")
    s.add_argument("--kernel-src", default=env_src)
    s.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    a = parser().parse_args(argv)
    try:
        return a.func(a)
    except (source.SourceError, build.BuildError, guest.GuestError, qemu.QemuError,
            patches.PatchError, KernelDebugError) as e:
        print(f"kernel {a.cmd}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kernel {a.cmd}: interrupted", file=sys.stderr)
        return 130
