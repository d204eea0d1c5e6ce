"""Running the model: sandboxed lrusim runs, each read from its JSON result.

Several runs may share one sandbox (run_many).

lrusim --json prints one JSON object (docs/lrusim-json.md); this module is
the only reader of it, and nothing else of lrusim's output is believed.  A
run whose result is missing, malformed, of another version, or about
another variant, scenario or set of strategies than asked is a failure of
the run, never a pass.
"""
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from runner.labs import BUILD
from runner.sandbox import run_untrusted

SCHEMA = "lrulab.lrusim.result"
VERSION = 1
LRUSIM = BUILD / "lrusim"
RUN_TIMEOUT = 60
TIMED_OUT = 124                 # lrusim --batch's status for a run it stopped
KEEP = 8 << 20                  # bytes of a run's stdout: a --trace result is big


@dataclass
class Failure:
    checker: str
    message: str
    page: int | None
    context: dict | None
    other_context: dict | None
    strategy: str
    bound: int | None
    schedule: str
    preemptions: int
    minimized: dict
    trace: list[dict]
    trace_complete: bool


@dataclass
class Outcome:
    """What a run says: a failure, or none, and the counters of its last run.
    error is set when the run did not give a result (crash, timeout, bad
    arguments): then the other fields mean nothing."""
    ok: bool                        # a result, and no failure in it
    failure: Failure | None = None
    counters: dict[str, int] = field(default_factory=dict)
    schedules: int = 0
    seconds: float = 0.0
    trace: list[dict] = field(default_factory=list)
    diverged_at: int | None = None  # a replay asked for a step the machine could not take
    error: str = ""
    returncode: int = 0


OPS = {"==": int.__eq__, "<=": int.__le__, ">=": int.__ge__, "<": int.__lt__,
       ">": int.__gt__}


def counter_holds(value: int, cond: str) -> bool:
    """A counter condition of lab.json: ==N, <=N, >=N, <N, >N (N alone: ==N)."""
    text = str(cond).strip()
    op = next((o for o in ("==", "<=", ">=", "<", ">") if text.startswith(o)), "")
    try:
        n = int(text[len(op):])
    except ValueError:
        from runner.labs import LabError
        raise LabError(f"bad counter condition {cond!r}: use ==N, <=N or >=N") from None
    return OPS[op or "=="](value, n)


def _signal_name(signo: int) -> str:
    import signal
    try:
        return f"signal {signo} ({signal.Signals(signo).name})"
    except ValueError:
        return f"signal {signo}"


def _why_no_result(proc: subprocess.CompletedProcess) -> str:
    rc = proc.returncode
    signo = -rc if rc < 0 else rc - 128 if 128 < rc < 160 else 0
    tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    if rc == -9 and "timed out" in proc.stderr:
        return f"the model did not finish in {RUN_TIMEOUT} s (an endless loop in a hook?)"
    if rc == -9 and "out of memory" in proc.stderr:
        return tail
    if signo:
        return (f"the model crashed: {_signal_name(signo)} (a stack overflow from deep "
                "recursion?)")
    if rc == 2:
        return f"lrusim refused its arguments: {tail}"
    return f"lrusim exited with status {rc} without a result: {tail}"


def parse(proc: subprocess.CompletedProcess, variant: str, scenario: str,
          strategies: list[str], instance: int = 0, memory: str = "sc") -> Outcome:
    """The Outcome of a finished lrusim --json process."""
    if proc.returncode not in (0, 1):
        return Outcome(False, error=_why_no_result(proc), returncode=proc.returncode)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return Outcome(False, error="lrusim gave no JSON result", returncode=proc.returncode)
    want = {"schema": SCHEMA, "version": VERSION, "variant": variant, "scenario": scenario,
            "instance": instance, "memory": memory}
    for key, value in want.items():
        if not isinstance(data, dict) or data.get(key) != value:
            return Outcome(False, error=f"lrusim's result has {key} "
                           f"{data.get(key) if isinstance(data, dict) else None!r}, "
                           f"not {value!r}", returncode=proc.returncode)
    ran = [s.get("strategy") for s in data.get("strategies", [])]
    failed = data.get("failure")
    # a clean result ran every strategy; a failure stops at the one that found it
    if (not failed and ran != strategies) or (failed and ran != strategies[:len(ran)]):
        return Outcome(False, error=f"lrusim ran {ran}, not {strategies}",
                       returncode=proc.returncode)
    if (proc.returncode == 1) != bool(failed):
        return Outcome(False, error="lrusim's exit status and result disagree",
                       returncode=proc.returncode)
    out = Outcome(not failed, counters=dict(data.get("counters", {})),
                  schedules=sum(s.get("schedules", 0) for s in data.get("strategies", [])),
                  seconds=sum(s.get("seconds", 0.0) for s in data.get("strategies", [])),
                  trace=list(data.get("trace", [])), returncode=proc.returncode,
                  diverged_at=next((s["diverged_at"] for s in data.get("strategies", [])
                                    if s.get("diverged_at") is not None), None))
    if failed:
        out.failure = Failure(
            checker=failed["checker"], message=failed["message"], page=failed["page"],
            context=failed["context"], other_context=failed["other_context"],
            strategy=failed["strategy"], bound=failed["bound"],
            schedule=failed["schedule"], preemptions=failed["preemptions"],
            minimized=failed["minimized"], trace=failed.get("trace", []),
            trace_complete=failed.get("trace_complete", True))
    return out


@dataclass
class Request:
    """One lrusim run's arguments: several strategies run in order in it."""
    variant: str
    scenario: str
    strategies: list[str]
    check: str = "default"
    cpus: int = 2
    up: bool = False
    trace: bool = False
    instance: int = 0
    memory: str = "sc"

    def args(self) -> list[str]:
        args = ["--json", "--variant", self.variant, "--scenario", self.scenario,
                "--check", self.check, "--cpus", str(self.cpus), "--instance",
                str(self.instance), "--memory", self.memory]
        for one in self.strategies:
            args += ["--strategy", one]
        if self.up:
            args.append("--up")
        if self.trace:
            args.append("--trace")
        return args


def run(binary: Path, variant: str, scenario: str, strategies: str | list[str],
        check: str = "default", cpus: int = 2, up: bool = False,
        trace: bool = False, instance: int = 0, memory: str = "sc") -> Outcome:
    """One sandboxed model run; several strategies run in order in it."""
    strategies = [strategies] if isinstance(strategies, str) else list(strategies)
    return run_many(binary, [Request(variant, scenario, strategies, check, cpus, up, trace,
                                     instance, memory)])[0]


def run_many(binary: Path, requests: list[Request]) -> list[Outcome]:
    """Several model runs of one binary, one after another in one sandbox
    (lrusim --batch: each in a fresh fork, with its own time limit): a
    sandbox costs more than most runs.  A run the sandbox did not let
    finish is run again alone."""
    sendable = [r for r in requests if not any("\0" in a for a in r.args())]
    if len(sendable) < len(requests):
        outcomes = iter(run_many(binary, sendable) if sendable else [])
        return [next(outcomes) if r in sendable else
                Outcome(False, error="an argument holds a NUL byte") for r in requests]
    with tempfile.TemporaryDirectory(prefix="lrulab-runs-") as tmp:
        runs = Path(tmp) / "runs"
        runs.write_bytes(_runs_file(requests))
        files = [[Path(tmp) / f"{i}.{what}" for what in ("out", "err", "status")]
                 for i in range(len(requests))]
        proc = run_untrusted([str(binary), "--batch", str(int(RUN_TIMEOUT)), str(runs),
                              *(str(f) for one in files for f in one)],
                             inputs=[runs, binary], outputs=[f for one in files for f in one],
                             timeout=RUN_TIMEOUT * len(requests) + 10,
                             raise_on_timeout=False, keep=KEEP)
        whole_run_killed = proc.returncode == -9
        outcomes = []
        for request, (out, err, status) in zip(requests, files):
            done = _finished(out, err, status)
            if done is None and whole_run_killed and len(requests) > 1:
                outcomes.append(run_many(binary, [request])[0])
                continue
            outcomes.append(parse(done or subprocess.CompletedProcess([], proc.returncode,
                                                                      "", proc.stderr),
                                  request.variant, request.scenario, request.strategies,
                                  request.instance, request.memory))
        return outcomes


def _runs_file(requests: list[Request]) -> bytes:
    """The runs as lrusim --batch reads them: per run, its argument count and
    its arguments, each ended by a NUL byte.  Nothing is parsed on the way,
    so no byte of a schedule can change another argument."""
    words = []
    for request in requests:
        args = request.args()
        words += [str(len(args)), *args]
    return b"".join(w.encode() + b"\0" for w in words)


def _finished(out: Path, err: Path, status: Path) -> subprocess.CompletedProcess | None:
    """A run that ended, as if it had been run alone; None if it never did."""
    try:
        code = int(status.read_text())
        with open(out, "rb") as f:
            stdout = f.read(KEEP + 1)
        with open(err, "rb") as f:
            stderr = f.read(KEEP).decode(errors="replace")
    except (OSError, ValueError):
        return None
    if code == TIMED_OUT:
        return subprocess.CompletedProcess([], -9, "", stderr +
                                           f"\nerror: timed out after {RUN_TIMEOUT} s; killed\n")
    if len(stdout) > KEEP:
        return subprocess.CompletedProcess([], -9, "", stderr +
                                           f"\nerror: more than {KEEP >> 20} MiB of output; killed\n")
    # lrusim --batch reports a signal the way a shell does: 128 + N
    return subprocess.CompletedProcess([], 128 - code if 128 < code < 128 + 65 else code,
                                       stdout.decode(errors="replace"), stderr)
