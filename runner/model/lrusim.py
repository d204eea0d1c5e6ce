"""Running the model: one sandboxed lrusim run, read from its JSON result.

lrusim --json prints one JSON object (docs/lrusim-json.md); this module is
the only reader of it, and nothing else of lrusim's output is believed.  A
run whose result is missing, malformed, of another version, or about
another variant, scenario or set of strategies than asked is a failure of
the run, never a pass.
"""
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from runner.labs import BUILD
from runner.sandbox import run_untrusted

SCHEMA = "lrulab.lrusim.result"
VERSION = 1
LRUSIM = BUILD / "lrusim"
RUN_TIMEOUT = 60


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
          strategies: list[str], instance: int = 0) -> Outcome:
    """The Outcome of a finished lrusim --json process."""
    if proc.returncode not in (0, 1):
        return Outcome(False, error=_why_no_result(proc), returncode=proc.returncode)
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return Outcome(False, error="lrusim gave no JSON result", returncode=proc.returncode)
    want = {"schema": SCHEMA, "version": VERSION, "variant": variant, "scenario": scenario,
            "instance": instance}
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


def run(binary: Path, variant: str, scenario: str, strategies: str | list[str],
        check: str = "default", cpus: int = 2, up: bool = False,
        trace: bool = False, instance: int = 0) -> Outcome:
    """One sandboxed model run; several strategies run in order in it."""
    strategies = [strategies] if isinstance(strategies, str) else list(strategies)
    args = [str(binary), "--json", "--variant", variant, "--scenario", scenario,
            "--check", check, "--cpus", str(cpus), "--instance", str(instance)]
    for one in strategies:
        args += ["--strategy", one]
    if up:
        args.append("--up")
    if trace:
        args.append("--trace")
    proc = run_untrusted(args, inputs=[binary], timeout=RUN_TIMEOUT,
                         raise_on_timeout=False, keep=8 << 20)
    return parse(proc, variant, scenario, strategies, instance)
