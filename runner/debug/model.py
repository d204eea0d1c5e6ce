"""./lab debug: replay a model schedule under gdb and stop in the lab's hook.

The graded build runs a lab.c as WebAssembly (runner/model/build.py), which
gdb cannot show at the source level.  So the debugger gets a debug binary
of its own: the model at -O0 -g (make debug-model) with the lab.c compiled
natively with -g -O0 against lab.h as the lab's hooks (model/debug/native.c).
It is never used for grading: natively the lab's code runs with no
boundary at all, so it is for the student's own code on the student's own
machine.  The schedule comes from the graded build (the failing test's
minimized schedule, or the one given), the step from its trace, and
`lrusim --stop-at STEP` calls lrusim_stop() where gdb breaks.

One difference: in the graded build every access to the lab's static
variables is a step of the machine; natively it is not.  For a lab.c with
statics the native replay can differ, so the session says so; and it
compares the native replay with the graded one in any case.
"""
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from runner import static_check
from runner.labs import BUILD, ROOT, Lab, LabError, Test
from runner.model import feedback, lrusim
from runner.model.build import build_lab_binary
from runner.sandbox import run_untrusted

DEBUG = BUILD / "debug"
LIB = DEBUG / "libmodel-debug.a"
PARTS = (DEBUG / "native.o", DEBUG / "main.o", LIB)
HELPERS = Path(__file__).with_name("gdb_model.py")
# no -Werror: the static check already held the file to clang's -Werror, and a
# warning only gcc gives is no reason to refuse a debugging session
CFLAGS = ["-std=c11", "-D_GNU_SOURCE", "-O0", "-g", "-Wall", "-Wextra",
          "-Wno-unused-parameter", f"-I{ROOT / 'model' / 'include'}"]
# the lab's statics, gathered where native.c finds them (__start_lab_data...)
SECTIONS = {".data": "lab_data", ".data.rel.local": "lab_data", ".data.rel": "lab_data",
            ".bss": "lab_bss"}
GDB = "gdb"


@dataclass
class Session:
    """What one debugging session replays and where it stops."""
    lab: Lab
    lab_c: Path
    test: Test
    schedule: str
    step: int
    event: dict
    binary: Path
    args: list[str]
    trace: list[dict]           # the graded build's trace of the replay
    notes: list[str] = field(default_factory=list)


def statics(ast_json: str) -> list[tuple[str, int]]:
    """(name, line) of the lab's static variables, file scope or function scope."""
    tree = json.loads(ast_json)
    found: list[tuple[str, int]] = []
    in_header = [False]
    line = [0]

    def seen(loc: dict) -> None:
        # clang names a line only when it changes, in the order it dumps
        if isinstance(loc, dict) and "line" in loc:
            line[0] = loc["line"]

    def walk(node: dict, top: bool) -> None:
        seen(node.get("loc", {}))
        if node.get("kind") == "VarDecl" and (top or node.get("storageClass") == "static") \
                and node.get("storageClass") != "extern":
            found.append((node.get("name", "?"), line[0]))
        for end in ("begin", "end"):
            seen(node.get("range", {}).get(end, {}))
        for child in node.get("inner", []):
            if isinstance(child, dict):
                walk(child, False)

    for decl in tree.get("inner", []):
        header = decl.get("isImplicit") or static_check._from_header(decl, in_header)
        if header:
            # lab.h's own declarations are not the lab's (static_check's rule),
            # but their locations still move the line along
            for loc in (decl.get("loc", {}), decl.get("range", {}).get("begin", {}),
                        decl.get("range", {}).get("end", {})):
                seen(loc)
            continue
        walk(decl, True)
    return found


def _run(args: list[str], what: str, label: str) -> None:
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        first = next((l for l in proc.stderr.splitlines() if "error" in l),
                     proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else "")
        raise LabError(f"{label}: the debug build failed ({what}): {first}")


def make_parts() -> None:
    """The fixed part of the debug build, brought up to date by make."""
    proc = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(ROOT),
                           "debug-model"], capture_output=True, text=True)
    if proc.returncode != 0 or not all(p.exists() for p in PARTS):
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise LabError(f"make debug-model failed: {tail[0]}; run make first")


def build_debug_binary(lab: Lab, lab_c: Path, label: str) -> Path:
    """The native debug binary for lab_c (cached by content and place)."""
    make_parts()
    src = lab_c.resolve()
    h = hashlib.sha256(src.read_bytes() + str(src).encode() + " ".join(lab.hooks).encode())
    for p in PARTS:
        st = p.stat()
        h.update(f"{p.name} {st.st_size} {st.st_mtime_ns}".encode())
    out = DEBUG / "labs" / lab.id / h.hexdigest()[:20]
    binary = out / "lrusim-debug"
    if binary.exists():
        return binary
    out.mkdir(parents=True, exist_ok=True)
    obj, renamed = out / "lab.o", out / "lab-hooks.o"
    # the real path, so that gdb's list and break find the file wherever it runs
    _run(["gcc", *CFLAGS, "-c", str(src), "-o", str(obj)], "compiling natively", label)
    rename = [f"--redefine-sym={h}=debug_{h}" for h in lab.hooks]
    rename += [f"--rename-section={a}={b}" for a, b in SECTIONS.items()]
    _run(["objcopy", *rename, str(obj), str(renamed)], "objcopy", label)
    _run(["gcc", "-g", str(renamed), *map(str, PARTS), "-o", str(binary) + ".tmp"],
         "linking with the model", label)
    os.replace(str(binary) + ".tmp", binary)
    return binary


def model_args(test: Test, schedule: str) -> list[str]:
    """The lrusim arguments of one replay of the test's scenario and checkers."""
    args = ["--variant", "student", "--scenario", test.scenario, "--check", test.check,
            "--cpus", str(test.cpus), "--strategy", f"replay:{schedule}"]
    return args + (["--up"] if test.up else [])


def _find_test(lab: Lab, name: str | None) -> Test | None:
    if name is None:
        return None
    for t in lab.tests:
        if t.name == name:
            return t
    raise LabError(f"--test {name}: {lab.id} has no such test; its tests are "
                   f"{', '.join(t.name for t in lab.tests)} (./lab test {lab.id} "
                   "--list-tests)")


def failing_schedule(binary: Path, test: Test) -> tuple[str, list[dict]] | None:
    """(minimized schedule, its trace) of the test's failure; None if it passes."""
    out = lrusim.run(binary, "student", test.scenario, test.strategies, test.check,
                     test.cpus, test.up)
    if out.error:
        raise LabError(f"test {test.name}: the model gave no result to replay: {out.error}")
    if out.failure:
        return out.failure.minimized["schedule"], out.failure.trace
    if test.counters:
        # a wasteful pass: the counters are those of the first strategy's first
        # run: its own schedule for a replay, else the default order (empty)
        first = test.strategies[0]
        schedule = first[len("replay:"):] if first.startswith("replay:") else ""
        replay = lrusim.run(binary, "student", test.scenario, f"replay:{schedule}",
                            test.check, test.cpus, test.up, trace=True)
        bad = [k for k, c in test.counters.items()
               if k not in replay.counters or not lrusim.counter_holds(replay.counters[k], c)]
        if bad:
            return schedule, replay.trace
    return None


def given_schedule(binary: Path, test: Test, schedule: str,
                   notes: list[str]) -> tuple[str, list[dict]]:
    """The schedule the session replays, and its trace, for a --schedule."""
    out = lrusim.run(binary, "student", test.scenario, f"replay:{schedule}", test.check,
                     test.cpus, test.up, trace=True)
    if out.error:
        raise LabError(f"--schedule {schedule!r}: {out.error}")
    if out.failure:
        mini = out.failure.minimized["schedule"]
        notes.append(f"this schedule fails [{out.failure.checker}]; replaying its "
                     f"minimized schedule {mini or '(empty)'}, whose trace the report shows")
        return mini, out.failure.trace
    return schedule, out.trace


def default_step(lab: Lab, trace: list[dict]) -> int:
    """The last step the lab's own code takes (else the last step)."""
    for ev in reversed(trace):
        if ev.get("hook") in lab.hooks and not ev.get("opaque"):
            return ev["step"]
    return trace[-1]["step"]


def _key(ev: dict) -> tuple:
    return (ev.get("ctx"), ev.get("what"), ev.get("page"), ev.get("lock"))


def compare_native(session: Session, graded: Path) -> str | None:
    """None if the native replay takes the graded one's steps, else why not."""
    strategy = [f"replay:{session.schedule}"]
    runs = []
    for binary in (graded, session.binary):
        proc = run_untrusted([str(binary), "--json", "--trace", *session.args],
                             inputs=[binary], timeout=lrusim.RUN_TIMEOUT,
                             raise_on_timeout=False, keep=8 << 20)
        runs.append(lrusim.parse(proc, "student", session.test.scenario, strategy))
    graded_out, native_out = runs
    if native_out.error:
        return f"the native replay gave no result: {native_out.error}"
    a = graded_out.failure.trace if graded_out.failure else graded_out.trace
    b = native_out.failure.trace if native_out.failure else native_out.trace
    for ga, nb in zip(a, b):
        if _key(ga) != _key(nb):
            return (f"from step {ga['step']} on: graded {feedback.describe(ga)}; "
                    f"native {feedback.describe(nb)}")
    if len(a) != len(b):
        return f"the graded replay has {len(a)} steps, the native one {len(b)}"
    fa = graded_out.failure.checker if graded_out.failure else None
    fb = native_out.failure.checker if native_out.failure else None
    if fa != fb:
        return f"the graded replay ends in {fa or 'no failure'}, the native one in " \
               f"{fb or 'no failure'}"
    return None


def prepare(lab: Lab, lab_c: Path, label: str, test_name: str | None = None,
            step: int | None = None, schedule: str | None = None) -> Session:
    """Everything a session needs, checked; LabError with one line if not."""
    if not lab.has_code:
        raise LabError(f"{lab.id} has questions only: there is no code to debug")
    if not lab_c.exists():
        raise LabError(f"{label}: no such file; run ./lab start {lab.id} first")
    try:
        graded = build_lab_binary(lab, lab_c, label)
    except static_check.StaticCheckError as e:
        raise LabError(str(e)) from None
    notes: list[str] = []
    test = _find_test(lab, test_name)
    if schedule is not None:
        test = test or lab.tests[0]
        schedule, trace = given_schedule(graded, test, schedule, notes)
    else:
        found = None
        for t in [test] if test else lab.tests:
            found = failing_schedule(graded, t)
            if found:
                test = t
                break
        if not found:
            which = f"test {test_name}" if test_name else f"every test of {lab.id}"
            raise LabError(f"{label}: {which} passes, so there is no failing schedule; "
                           "give one with --schedule SCHED (and --test NAME)")
        schedule, trace = found
    if not trace:
        raise LabError(f"test {test.name}: the replay has no trace to stop in")
    last = trace[-1]["step"]
    step = step if step is not None else default_step(lab, trace)
    if not 1 <= step <= last:
        raise LabError(f"--step {step}: the replay of test {test.name} has steps 1 to "
                       f"{last} (see its trace in ./lab test {lab.id} --only {test.name})")
    event = next(ev for ev in trace if ev["step"] == step)
    ast = graded.parent / "ast.json"
    found_statics = statics(ast.read_text()) if ast.exists() else []
    if found_statics:
        names = ", ".join(f"{n} (line {l})" for n, l in found_statics)
        notes.append(f"{label} has static variables: {names}. In the graded build every "
                     "access to them is a step of the machine; natively it is not, so "
                     "this replay can differ from the graded one")
    binary = build_debug_binary(lab, lab_c, label)
    session = Session(lab, lab_c.resolve(), test, schedule, step, event, binary,
                      model_args(test, schedule), trace, notes)
    differs = compare_native(session, graded)
    if differs:
        notes.append(f"the native replay is not the graded one: {differs}")
    return session


def script(session: Session, path: Path) -> Path:
    """The gdb script: the helpers, a breakpoint at the step, run, the hook frame."""
    lines = [
        "set pagination off",
        "set confirm off",
        f"python import sys; sys.path.insert(0, {str(HELPERS.parent)!r})",
        "python import gdb_model",
        f"python gdb_model.configure({str(session.lab_c)!r}, {session.step}, "
        f"{session.lab.hooks!r})",
        "break lrusim_stop",
        "commands",
        "silent",
        "end",
        "run",
        "lrulab-step",
        "lrulab-hook",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def banner(session: Session) -> list[str]:
    t = session.test
    lines = [f"debug {session.lab.id}: test {t.name} ({t.scenario}), schedule "
             f"{session.schedule or '(empty: the default order)'}",
             f"stopping at step {session.step}: {feedback.describe(session.event)}",
             "the debug build: your file compiled natively, not the graded build; "
             "for your own file only"]
    lines += [f"note: {n}" for n in session.notes]
    lines.append("commands: lrulab-page [PAGE], lrulab-pages, lrulab-step, lrulab-hook; "
                 "continue: to the end")
    return lines


def gdb_argv(session: Session, script_path: Path, batch: bool,
             commands: list[str]) -> list[str]:
    argv = [GDB, "-q", "-nx"] + (["-batch"] if batch else [])
    argv += ["-x", str(script_path)]
    for c in commands:
        argv += ["-ex", c]
    return argv + ["--args", str(session.binary), *session.args,
                   "--stop-at", str(session.step)]


def run(lab: Lab, lab_c: Path, label: str, test_name: str | None, step: int | None,
        schedule: str | None, batch: bool, commands: list[str]) -> int:
    """./lab debug: prepare, then hand the terminal to gdb (or run it in batch)."""
    if shutil.which(GDB) is None:
        raise LabError("gdb not found: apt-get install gdb (make print-deb-packages "
                       "lists every package)")
    session = prepare(lab, lab_c, label, test_name, step, schedule)
    for line in banner(session):
        print(line, flush=True)
    path = script(session, DEBUG / "sessions" / f"{lab.id}.gdb")
    argv = gdb_argv(session, path, batch, commands)
    if batch:
        return subprocess.run(argv, stdin=subprocess.DEVNULL).returncode
    os.execvp(argv[0], argv)
    return 0  # not reached
