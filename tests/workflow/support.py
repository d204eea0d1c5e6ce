"""Helpers of the workflow tests: ./lab as a student runs it, tools or a loud skip."""
import os
import shutil
import subprocess
import unittest

from tests.util import ROOT


def lab(*args: str, work: str | None = None, cwd=None,
        timeout: int = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if work:
        env["LRULAB_WORK"] = work
    return subprocess.run([str(ROOT / "lab"), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd or ROOT)


def tool_or_skip(case: unittest.TestCase, tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        case.skipTest(f"SKIPPED: {tool} not installed; fix: apt-get install {package}")
