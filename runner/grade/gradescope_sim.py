"""Gradescope's layout, simulated: a bundle unpacked into a scratch root and
run as Gradescope runs it, for the tests and the benchmark.

    root/autograder/source/       the bundle (setup.sh, run_autograder, ...)
    root/autograder/submission/   what the student uploaded
    root/autograder/results/      where results.json must appear

Under bubblewrap that root is /autograder, beside this machine's /usr and
/etc read-only (the image), with no network (an image build that needs apt
fails) and an apt-get that fails the run if it is called at all.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Called only when dpkg lacks a package: the simulated image has them all.
APT_STUB = "#!/bin/sh\necho \"apt-get called: $*\" >&2\nexit 100\n"
PATH = "/opt/lrulab-stub:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # root's


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def unpack(root: Path, bundle: Path, submission: dict[str, str],
           student: str = "Ada") -> Path:
    """root/autograder with the bundle as source/ and submission (name -> text)."""
    ag = root / "autograder"
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            zf.extract(info, ag / "source")
            mode = info.external_attr >> 16
            if mode:
                os.chmod(ag / "source" / info.filename, mode)
    for name, text in submission.items():
        dest = ag / "submission" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
    (ag / "results").mkdir()
    (ag / "submission_metadata.json").write_text(json.dumps({"users": [{"name": student}]}))
    stub = root / "stub"
    stub.mkdir()
    (stub / "apt-get").write_text(APT_STUB)
    (stub / "apt-get").chmod(0o755)
    return ag


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
            "--ro-bind", "/var/lib/dpkg", "/var/lib/dpkg"]
    for d in ("bin", "sbin", "lib", "lib32", "lib64"):
        p = Path("/") / d
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), f"/{d}"]
        elif p.is_dir():
            args += ["--ro-bind", str(p), f"/{d}"]
    return args


def bwrap_args(root: Path) -> list[str]:
    # Root, as on Gradescope; the grader's own sandbox nests inside and
    # bounds its runs with this machine's cgroups.
    return ["bwrap", "--die-with-parent", "--new-session", "--unshare-net",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", *_system_binds(),
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/root",
            "--ro-bind", "/sys", "/sys", "--bind", "/sys/fs/cgroup", "/sys/fs/cgroup",
            "--ro-bind", str(root / "stub"), "/opt/lrulab-stub",
            "--bind", str(root / "autograder"), "/autograder"]


def run(root: Path, script: str, timeout: float) -> Run:
    """Run /autograder/source/setup.sh or /autograder/run_autograder as Gradescope
    does (run_autograder is copied to /autograder first); the whole process
    group is killed if it overruns."""
    ag = root / "autograder"
    if script == "run_autograder":
        (ag / "run_autograder").write_bytes((ag / "source" / "run_autograder").read_bytes())
        (ag / "run_autograder").chmod(0o755)
        argv, cwd = ["/autograder/run_autograder"], "/autograder"
    else:
        argv, cwd = ["/autograder/source/setup.sh"], "/autograder/source"
    env = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8"}
    start = time.monotonic()
    proc = subprocess.Popen(bwrap_args(root) + ["--chdir", cwd, *argv], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        err += f"\n(killed after {timeout} s)"
    return Run(proc.returncode, out, err, time.monotonic() - start)
