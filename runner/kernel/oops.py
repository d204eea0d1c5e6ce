"""Kernel addresses on the console, decoded against the flavour's System.map.

[<c0123456>] becomes "c0123456 function+0xoff"; an address in the init
sections after "Freeing unused kernel memory" is "in freed init memory"
(whatever symbol the map still has there); one in .text.lock (from the
harness's __lrulab_text_lock to _etext) is "in a spin loop (.text.lock)";
"lock c01df600", as the watchdog prints it, is named from the data symbols.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

FREED_INIT = "Freeing unused kernel memory"


@dataclass
class SystemMap:
    text: list[tuple[int, str]] = field(default_factory=list)
    data: list[tuple[int, str]] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "SystemMap":
        m = cls()
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            addr, kind, name = int(parts[0], 16), parts[1], parts[2]
            if name in ("__init_begin", "__init_end", "_etext", "__lrulab_text_lock"):
                m.marks[name] = addr
            if kind in "tTwW":
                m.text.append((addr, name))
            elif kind in "dDbBrRgGsS":
                m.data.append((addr, name))
        m.text.sort()
        m.data.sort()
        return m

    @staticmethod
    def _near(table: list[tuple[int, str]], addr: int, span: int) -> str | None:
        i = bisect.bisect_right(table, (addr, "\uffff")) - 1
        if i >= 0 and addr - table[i][0] < span:
            off = addr - table[i][0]
            return table[i][1] + (f"+{off:#x}" if off else "")
        return None

    def in_init(self, addr: int) -> bool:
        lo, hi = self.marks.get("__init_begin"), self.marks.get("__init_end")
        return lo is not None and hi is not None and lo <= addr < hi

    def in_lock_text(self, addr: int) -> bool:
        lo, hi = self.marks.get("__lrulab_text_lock"), self.marks.get("_etext")
        return lo is not None and hi is not None and lo <= addr < hi

    def text_name(self, addr: int, freed: bool = False) -> str | None:
        if freed and self.in_init(addr):
            return "in freed init memory"
        if self.in_lock_text(addr):
            return "in a spin loop (.text.lock)"
        return self._near(self.text, addr, 0x10000)

    def data_name(self, addr: int) -> str | None:
        return self._near(self.data, addr, 0x1000)


def decode(console: str, system_map: Path) -> list[str]:
    """Each distinct kernel address of the console, decoded, in order of appearance."""
    m = SystemMap.load(system_map)
    freed_at = console.find(FREED_INIT)
    out: list[str] = []
    seen: set[str] = set()
    for hit in re.finditer(r"\[<([0-9a-f]{8})>\]|\block ([0-9a-f]{8})\b", console):
        hexaddr = hit.group(1) or hit.group(2)
        key = ("lock " if hit.group(2) else "") + hexaddr
        if key in seen:
            continue
        seen.add(key)
        addr = int(hexaddr, 16)
        if hit.group(2):
            name = m.data_name(addr)
            if name:
                out.append(f"lock {hexaddr} {name}")
            continue
        name = m.text_name(addr, freed=0 <= freed_at < hit.start())
        if name:
            out.append(f"{hexaddr} {name}")
    return out
