"""The kernel stage as lab results: a lab.c built into Linux 2.4.17 and booted.

One result per kernel flavour (UP, SMP), each worth half of the lab's
"kernel_points" (lab.json, default 20).  The file must first pass the same
static check as in the model stage.
"""
from pathlib import Path

from runner import static_check
from runner.labs import Lab, LabError
from runner.model_stage import Result

DEFAULT_POINTS = 20
NO_TREE = ("no Linux 2.4.17 tree: run `make kernel-src` (KERNEL_SRC=DIR or "
           "KERNEL_TARBALL=FILE offline), then `make kernel`")


def kernel_points(lab: Lab) -> int:
    import json
    data = json.loads((lab.dir / "lab.json").read_text())
    return int(data.get("kernel_points", DEFAULT_POINTS)) if lab.has_code else 0


def _tree():
    """KERNEL_SRC (verified) or the tree `make kernel-src` cached, else None."""
    import os
    from runner.kernel import source
    try:
        return source.find(os.environ.get("KERNEL_SRC") or None)
    except source.SourceError as e:
        raise LabError(f"KERNEL_SRC: {e}") from None


def tree_available() -> bool:
    return _tree() is not None


def grade_kernel(lab: Lab, lab_c: Path, label: str) -> list[Result]:
    """Boot lab_c on UP and SMP; LabError when there is no tree to build."""
    from runner.kernel import stage
    if not lab.has_code:
        return []
    points = kernel_points(lab)
    halves = {"up": points // 2, "smp": points - points // 2}
    static_check.check_file(lab_c, lab.hooks, label)
    tree = _tree()
    if tree is None:
        raise LabError(f"--stage kernel: {NO_TREE}")
    verdict = stage.run(lab_c, tree=tree)
    if verdict.build_error:
        return [Result(f"kernel-{f}", 0, halves[f], f"does not build in the kernel: "
                       f"{verdict.build_error}\n") for f in ("up", "smp")]
    results = []
    for fv in verdict.flavours:
        lines = [f"booted {fv.flavour.upper()} in {fv.seconds} s with the cow, swap, "
                 "pin and pressure workloads"]
        lines += [f"problem: {p}" for p in fv.problems]
        lines += [f"  {o}" for o in fv.oops]
        if fv.counters:
            lines.append("counters: " + " ".join(f"{k}={v}" for k, v in
                                                 sorted(fv.counters.items())))
        lines.append(f"console log: {fv.console_log}")
        results.append(Result(f"kernel-{fv.flavour}",
                              halves[fv.flavour] if fv.passed else 0,
                              halves[fv.flavour], "\n".join(lines) + "\n"))
    return results
