"""Calls from .text into .text.init in a built vmlinux.

free_initmem() gives the init sections back to the page allocator once
init has set the machine up, so a function in .text that calls into them
must only ever run before that, or it runs freed memory (boot/14:
cpu_idle -> init_idle; toolchain/13: rest_init inlined into start_kernel).
late_init_calls() lists every direct call or jump from .text into
.text.init whose caller is not known to run only during boot.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from . import paths

# .text functions that call __init code and are known to run only before
# free_initmem(): init() is the init thread up to the free; inflate_codes
# (lib/inflate.c) only decompresses the initrd at boot, from rd_load();
# setup_APIC_timer() is only called by the __init setup_APIC_clocks();
# is386 is head.S's startup code.
BOOT_ONLY_CALLERS = {"init", "inflate_codes", "setup_APIC_timer", "is386"}


def _section(vmlinux: Path, name: str) -> tuple[int, int]:
    out = subprocess.run([paths.CROSS_COMPILE + "objdump", "-h", str(vmlinux)],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[1] == name:
            size, vma = int(parts[2], 16), int(parts[3], 16)
            return vma, vma + size
    raise ValueError(f"{vmlinux}: no {name} section")


def init_calls(vmlinux: Path, init: str = ".text.init") -> set[tuple[str, str]]:
    """(caller, callee) for every call/jmp from .text to the init section."""
    lo, hi = _section(vmlinux, init)
    dis = subprocess.run([paths.CROSS_COMPILE + "objdump", "-d", "-j", ".text", str(vmlinux)],
                         capture_output=True, text=True, check=True).stdout
    found: set[tuple[str, str]] = set()
    caller = "?"
    head = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
    branch = re.compile(r"\t(?:call|jmp)\s+([0-9a-f]+) <([^>+]+)")
    for line in dis.splitlines():
        m = head.match(line)
        if m:
            caller = m.group(1)
            continue
        m = branch.search(line)
        if m and lo <= int(m.group(1), 16) < hi:
            found.add((caller, m.group(2)))
    return found


def late_init_calls(vmlinux: Path, init: str = ".text.init") -> list[tuple[str, str]]:
    """The calls into .text.init that may run after free_initmem()."""
    return sorted(c for c in init_calls(vmlinux, init) if c[0] not in BOOT_ONLY_CALLERS)
