"""Helpers shared by the project's tests: paths and running the model."""
import os
import subprocess

from runner.paths import BUILD, ROOT
LRUSIM = BUILD / "lrusim-san"          # the sanitizer build is the test build
# the optimized build, for the few searches of millions of schedules that the
# sanitizers would make minutes long (the same code: the san build checks it)
LRUSIM_FAST = BUILD / "lrusim"
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
           UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")


def lrusim(*args: str, timeout: int = 600, fast: bool = False
           ) -> subprocess.CompletedProcess:
    """Run the sanitizer-built model (fast: the optimized one); a sanitizer
    report fails the caller."""
    proc = subprocess.run([str(LRUSIM_FAST if fast else LRUSIM), *args], capture_output=True, text=True,
                          timeout=timeout, env=ENV, cwd=ROOT)
    for marker in ("ERROR: AddressSanitizer", "runtime error:",
                   "ERROR: LeakSanitizer"):
        if marker in proc.stderr:
            raise AssertionError(f"sanitizer report from lrusim {' '.join(args)}:\n"
                                 f"{proc.stderr[-3000:]}")
    return proc


def field(output: str, name: str) -> str:
    """The value of a `name: value` line of lrusim's output ('' if absent)."""
    for line in output.splitlines():
        if line.startswith(name + ":"):
            return line[len(name) + 1:].strip()
    return ""
