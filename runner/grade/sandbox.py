"""The sandbox's old address: ../shared/checks/sandbox-anywhere imports it from here.

The sandbox is runner/sandbox/; this module only re-exports it.
"""
from runner.sandbox import *  # noqa: F401,F403
from runner.sandbox import run_untrusted  # noqa: F401
