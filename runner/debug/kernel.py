"""./lab boot --gdb: the kernel stage's QEMU waiting for gdb-multiarch.

QEMU starts with -S (the CPUs stopped) and its gdb stub on a free port of
127.0.0.1 (what -s does on port 1234, without clashing with another boot).
Written beside the build: FLAVOUR.gdbinit, which loads the flavour's
vmlinux, connects, loads the gdb commands of gdb_kernel.py and puts a
hardware breakpoint at the entry of every lab hook (hardware, because a
software breakpoint cannot be written into the kernel's virtual addresses
before it has turned paging on), and types-FLAVOUR.o, struct page and
struct list_head compiled with -g against the tree's headers, so that
gdb can read a page wherever the kernel has no debug information.

The lab.c itself is compiled with -g (labobj.DEBUG_INFO: the sandboxed
compile of the lab's object adds it, and caches that object apart): in the
student's own file gdb steps through the source.  -g does not change the
code gcc generates.
"""
import contextlib
import re
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from runner.kernel import build, labobj, paths
from runner.labs import HOOKS

HELPERS = Path(__file__).with_name("gdb_kernel.py")
GDB = "gdb-multiarch"
TYPES_C = """/* struct page and friends, for gdb (runner/debug/kernel.py) */
#include <linux/mm.h>
#include <linux/list.h>
struct page *lrulab_gdb_page;
struct list_head *lrulab_gdb_list;
"""


class KernelDebugError(Exception):
    """One line: what is missing and how to get it."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_flags(tree: Path) -> dict[int, str]:
    """bit -> name of the PG_* flags, from the tree's own include/linux/mm.h."""
    text = (tree / "include" / "linux" / "mm.h").read_text(errors="replace")
    return {int(n): name for name, n in re.findall(r"#define\s+PG_(\w+)\s+(\d+)\b", text)}


class KernelDebug:
    """One boot under gdb: its port, its build flags, its .gdbinit."""

    def __init__(self, flavour: str, out: Path | None = None) -> None:
        self.flavour = flavour
        self.dir = (out or paths.build_dir()) / "gdb"
        self.port = free_port()
        self.gdbinit = self.dir / f"{flavour}.gdbinit"
        self.types = self.dir / f"types-{flavour}.o"

    @contextlib.contextmanager
    def build_flags(self):
        """While building: the lab.c compiled with -g (runner/kernel/labobj.py
        compiles it, in the sandbox, apart from the kernel's own make)."""
        old = labobj.DEBUG_INFO
        labobj.DEBUG_INFO = True
        try:
            yield
        finally:
            labobj.DEBUG_INFO = old

    @staticmethod
    def end_qemu_on_hangup() -> None:
        """A QEMU waiting for gdb has no timeout: if the terminal goes (SIGHUP) or
        the boot is told to stop (SIGTERM), end as on Ctrl-C, so that qemu.boot
        kills QEMU instead of leaving it waiting for ever."""
        def stop(signo, frame):
            raise KeyboardInterrupt
        for signo in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(signo, stop)

    def qemu_args(self) -> list[str]:
        return ["-S", "-gdb", f"tcp:127.0.0.1:{self.port}"]

    def vmlinux(self) -> Path:
        return self.dir.parent / f"tree-{self.flavour}" / "vmlinux"

    def compile_types(self, tree: Path) -> Path:
        """types-FLAVOUR.o: the kernel's struct page with debug information."""
        src = self.dir / f"types-{self.flavour}.c"
        src.write_text(TYPES_C)
        include = self.vmlinux().parent / "include"
        args = [paths.CROSS_COMPILE + "gcc", "-D__KERNEL__", f"-I{include}", "-O2", "-g",
                "-march=i686", *build.CFLAGS_KERNEL.split(), "-c", str(src),
                "-o", str(self.types)]
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != 0:
            first = next((l for l in proc.stderr.splitlines() if "error" in l), "")
            raise KernelDebugError(f"{src}: the gdb types did not compile: {first}")
        return self.types

    def write(self, tree: Path, lab: Path | None = None) -> Path:
        """The .gdbinit of this boot; the tree is built for the flavour already.
        With lab, the student's file is where gdb looks for the source it was
        compiled from (lrulab_lab.c, the name the kernel build gives it)."""
        vmlinux = self.vmlinux()
        if not vmlinux.is_file():
            raise KernelDebugError(f"{vmlinux} missing: build the kernel first "
                                   f"(make kernel)")
        self.dir.mkdir(parents=True, exist_ok=True)
        types = self.compile_types(tree)
        flags = page_flags(vmlinux.parent)
        lines = [
            "set pagination off",
            "set confirm off",
            f"file {vmlinux}",
            f"add-symbol-file {types} 0",
            f"python import sys; sys.path.insert(0, {str(HELPERS.parent)!r})",
            "python import gdb_kernel",
            f"python gdb_kernel.configure({flags!r})",
            f"target remote 127.0.0.1:{self.port}",
        ]
        if lab is not None:
            shutil.copyfile(lab, self.dir / labobj.SOURCE_NAME)
            lines.insert(2, f"directory {self.dir}")
        lines += [f"hbreak *{hook}" for hook in sorted(HOOKS)]
        lines.append("echo lrulab: hardware breakpoints at the entry of each lab hook; "
                     "continue to boot, lrulab-page to read the hook's page\\n")
        self.gdbinit.write_text("\n".join(lines) + "\n")
        return self.gdbinit

    def instructions(self) -> str:
        return (f"QEMU is waiting for gdb on 127.0.0.1:{self.port}; in another terminal:\n"
                f"  {GDB} -q -x {self.gdbinit}\n"
                "then `continue`; at a hook, `lrulab-page` prints the page it was given")
