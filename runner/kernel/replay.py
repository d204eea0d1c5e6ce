"""The model's failing schedule as a replay the kernel runs (issue 11, part 2).

The model's minimized schedule (lrusim --json, `failure.trace`,
docs/lrusim-json.md) says where one context was preempted and what another
did before it ran again.  The kernel cannot run the model's steps one by
one: its workloads are not the model's scenario, and most of its steps are
not the lab's.  It can stop a context at the same spot and let it go when
the other context has reached its spot on the same page: the harness's
replay points (kernel-tree-patches/harness/lrulab-replay.patch).  This
module finds that one preemption in the trace and names the two points:

    plan = replay.plan_for(failure)          # a runner.model.lrusim.Failure
    plan.rule      # "hold:free:irq:shrink-done:500", for lrulab_replay=
    plan.flavours, plan.workloads

or, when the kernel has no point for it, plan.rule is None and plan.why says
why (a preemption inside the lab's own hook, a failure with no preemption).

A hold at a point the guest has a directed scenario for (DIRECTED) does not
wait for the kernel's workloads to take the schedule's path: the guest's
"directed:RULE" workload builds the model's scenario on a page of its own
(a process bound to each CPU), scopes the rule to that page and drives both
contexts to it, so the wait is met on every boot.  The other plans keep the
rule on the kernel command line beside the workloads that reach its point.
"""
from __future__ import annotations

from dataclasses import dataclass

# How long one wait may last (ms; the kernel refuses more than 1000), and so
# how long a boot whose workload never takes the schedule's path is slower.
WAIT_MS = 500

# Model functions (a step's `where`) and lab hooks (`hook`), by the kernel's
# replay point in front of them: a preemption in one of these, before the
# lab's hook runs, is a wait at that point.
BEFORE = {
    "free": ("__free_pages", "__free_pages_ok"),
    "shrink": ("shrink_cache",),
    "wp": ("do_wp_page", "can_share_swap_page"),
    "fpsc": ("free_page_and_swap_cache", "zap_page_range"),
    "fsac": ("free_swap_and_cache",),
}
HOOK_POINT = {
    "lab_free_pages_ok_lru": "free",
    "lab_shrink_cache_zero_count": "shrink",
    "lab_do_wp_page_release_old": "wp",
    "lab_free_page_and_swap_cache_release": "fpsc",
    "lab_free_swap_and_cache_deleted": "fsac",
}
WHERE_POINT = {w: p for p, ws in BEFORE.items() for w in ws}

# What each kind of wait needs the guest to do, and on which kernel: a hold
# waits for another CPU; a raise fires the pin's timer, which any kernel has.
WORKLOADS = {
    "free": ("race",), "shrink": ("race",),
    "wp": ("cow",), "fpsc": ("pin", "swap"), "fsac": ("swap",),
}

# Holds whose scenario guest/init.c builds itself (workload_directed): the
# 7 Feb race (an interrupt-time free held before its hook while
# shrink_cache runs on the other CPU) and the COW break held while the other
# sharer unmaps the page.  A test checks the guest knows exactly these.
DIRECTED = ("free", "wp")


@dataclass(frozen=True)
class Plan:
    rule: str | None          # MODE:POINT:CTX:UNTIL:MS, or None: no replay
    why: str                  # one line: what is replayed, or why nothing is
    flavours: tuple[str, ...] = ()
    workloads: tuple[str, ...] = ()

    @property
    def directed(self) -> bool:
        return bool(self.workloads) and self.workloads[0].startswith("directed:")

    def kernel_words(self) -> tuple[str, ...]:
        """What the kernel command line gains (stage.run's workloads take both):
        a directed plan's guest arms its rule itself, for its own page."""
        if not self.rule:
            return ()
        return self.workloads if self.directed else (*self.workloads,
                                                     f"lrulab_replay={self.rule}")


def _runs(trace: list[dict]) -> list[list[dict]]:
    """The trace cut where the running context changes."""
    runs: list[list[dict]] = []
    for step in trace:
        key = (step.get("cpu"), step.get("ctx"))
        if runs and (runs[-1][0].get("cpu"), runs[-1][0].get("ctx")) == key:
            runs[-1].append(step)
        else:
            runs.append([step])
    return runs


def _kind(step: dict) -> str:
    return "irq" if step.get("kind") in ("hardirq", "softirq") else "task"


def _point(step: dict) -> str | None:
    """The replay point a context preempted after this step waits at: the
    spot in front of a hook; None inside one (the lab's code, or the model's
    reference code for the other hooks), where the kernel has no point."""
    if step.get("hook"):
        return None
    return WHERE_POINT.get(step.get("where") or "")


def _until(steps: list[dict], page) -> str | None:
    """Where the other context last was on page (its hook first, else the
    function), as the -done point the held context waits for."""
    found = None
    for s in steps:
        if page is not None and s.get("page") != page:
            continue
        found = (HOOK_POINT.get(s.get("hook") or "") or
                 WHERE_POINT.get(s.get("where") or "") or found)
    return f"{found}-done" if found else None


def plan_for(failure) -> Plan:
    """The replay of a model failure (lrusim.Failure, or its JSON dict)."""
    data = failure if isinstance(failure, dict) else vars(failure)
    trace = data.get("trace") or []
    sched = (data.get("minimized") or {}).get("schedule", data.get("schedule", ""))
    if not trace or not sched.strip():
        return Plan(None, "no preemption (the default schedule fails: a plain run is "
                    "the replay)")
    runs = _runs(trace)
    for i, run in enumerate(runs[:-1]):
        held = run[-1]
        later = [j for j in range(i + 1, len(runs))
                 if (runs[j][0].get("cpu"), runs[j][0].get("ctx")) ==
                 (held.get("cpu"), held.get("ctx"))]
        if not later or held.get("what") == "start":
            continue
        between = [s for r in runs[i + 1:later[0]] for s in r]
        other = between[0]
        point = _point(held)
        where = f"{held.get('what')} in {held.get('hook') or held.get('where')}"
        if point is None:
            return Plan(None, f"preempted at {where}: the kernel has no replay point there")
        page = held.get("page")
        if other.get("cpu") == held.get("cpu") and _kind(other) == "irq":
            if other.get("name") not in ("aio_complete", "unpin"):
                return Plan(None, f"an interrupt ({other.get('name')}) at {where} that is "
                            "not the pin's release")
            rule = f"raise:{point}:{_kind(held)}:pin-done:{WAIT_MS}"
            return Plan(rule, f"{held.get('name')} at {point} takes the interrupt-time free "
                        f"({other.get('name')}) there", ("up", "smp"),
                        ("pin",) + tuple(w for w in WORKLOADS[point] if w != "pin"))
        until = _until(between, page)
        if until is None:
            return Plan(None, f"preempted at {where}; the other context "
                        f"({other.get('name')}) passes no replay point meanwhile")
        rule = f"hold:{point}:{_kind(held)}:{until}:{WAIT_MS}"
        return Plan(rule, f"{held.get('name')} ({held.get('kind')}) waits at {point} until "
                    f"{other.get('name')} on the other CPU is past {until[:-5]}",
                    ("smp",), (f"directed:{rule}",) if point in DIRECTED else
                    WORKLOADS[point])
    return Plan(None, "no context is preempted and resumed in the schedule")


def first_failure(lab, lab_c, label: str):
    """The lab's model tests on lab_c, as the model stage runs them: (test
    name, lrusim.Failure) of the first that fails, or None."""
    from runner.model import lrusim
    from runner.model.build import build_lab_binary

    binary = build_lab_binary(lab, lab_c, label)
    for t in lab.tests:
        out = lrusim.run(binary, "student", t.scenario, t.strategies, t.check, t.cpus,
                         t.up, memory=t.memory)
        if out.failure:
            return t.name, out.failure
    return None


def plan_for_lab(lab, lab_c, label: str) -> Plan:
    """The replay of the first model failure of lab_c; Plan(None, ...) when
    the model passes."""
    found = first_failure(lab, lab_c, label)
    if found is None:
        return Plan(None, "the model found no failure")
    name, failure = found
    plan = plan_for(failure)
    return Plan(plan.rule, f"{name}: {failure.checker}; {plan.why}", plan.flavours,
                plan.workloads)
