"""The lab API is the same in the three places that say what it is.

lrulab/lab-wasm.h is the lab.h a lab.c compiles against in the model; a
lab.c that uses every name it offers must also compile against the model's
own kernel-named view (lrulab/kernel.h, which the historical variants use)
and against the kernel harness's mm/lab.h in a patched 2.4.17, and the page
flag numbers must be the same in all three.
"""
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

from runner.static_check import LAB_NAMES, lab_api as api
from tests.util import ROOT

INCLUDE = ROOT / "model" / "include"
LAB_WASM_H = INCLUDE / "lrulab" / "lab-wasm.h"
KERNEL_H = INCLUDE / "lrulab" / "kernel.h"
# what each parameter name of an API macro or function is given in the use
ARGS = {"p": "p", "page": "p", "l": "&pagemap_lru_lock", "lock": "&pagemap_lru_lock",
        "order": "0"}


def page_flags(text: str) -> dict[str, int]:
    """PG_name = N (an enum) or #define PG_name N (the kernel's)."""
    return {n: int(v) for n, v in re.findall(r"\b(PG_\w+)\s*=?\s*(\d+)\b", text)}


def every_name() -> str:
    """A lab.c that uses every name of the API once."""
    uses = []
    for name, params in sorted(api().items()):
        missing = [p for p in params if p not in ARGS]
        if missing:
            raise AssertionError(f"lab-wasm.h: {name}({', '.join(params)}): say in "
                                 f"tests/labs/test_api.py ARGS what {missing} is given")
        uses.append(f"\t{name}({', '.join(ARGS[p] for p in params)});")
    flags = " + ".join(sorted(page_flags(LAB_WASM_H.read_text())))
    return ('#include "lab.h"\n\n'
            "int lrulab_every_name(struct page *p)\n{\n"
            f"\tint flags = {flags};\n\n"
            "\tif (p == NULL)\n\t\treturn flags;\n" + "\n".join(uses) + "\n\treturn 0;\n}\n")


class LabApi(unittest.TestCase):
    def test_the_api_is_what_the_handouts_use(self) -> None:
        names = api()
        for name in ("page_count", "PageLRU", "TryLockPage", "UnlockPage", "lru_cache_del",
                     "__lru_cache_del", "page_cache_release", "spin_lock", "in_interrupt",
                     "BUG", "smp_rmb", "PageSwapCache"):
            self.assertIn(name, names)
        self.assertGreater(len(page_flags(LAB_WASM_H.read_text())), 10)
        # the static check lets a lab use lab.h's own names that start with __
        self.assertEqual(LAB_NAMES, {"__lru_cache_del", "__free_pages", "__free_page",
                                     "__func__"})

    def test_the_page_flags_agree_with_the_models_own(self) -> None:
        self.assertEqual(page_flags(LAB_WASM_H.read_text()), page_flags(KERNEL_H.read_text()))

    def test_every_name_compiles_for_a_lab_module(self) -> None:
        """With the model world's dialect and warnings, to WebAssembly."""
        self.compile(["clang", "--target=wasm32", "-std=c11", "-ffreestanding", "-nostdinc",
                      "-Wall", "-Wextra", "-Werror", "-Wno-unused-value", f"-I{INCLUDE}"])

    def test_every_name_means_something_to_the_model_itself(self) -> None:
        """lrulab/kernel.h, which the model's own variants are written against,
        has each of the API's names (a lab.c's lab.h there is kernel.h)."""
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "lab.h").write_text('#include <stddef.h>\n#include "lrulab/mm.h"\n'
                                             "extern spinlock_t pagemap_lru_lock;\n")
            self.compile(["gcc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
                          "-Wno-unused-value", f"-I{tmp}", f"-I{INCLUDE}"])

    def test_every_name_compiles_in_the_kernel(self) -> None:
        """The harness's mm/lab.h in a patched 2.4.17, both flavours, through
        the kernel stage's own sandboxed compile of a lab.c."""
        from runner.kernel import build, labobj, paths
        from tests.kernel.support import tools_or_skip, tree_or_skip
        pristine = tree_or_skip(self)
        tools_or_skip(self, paths.CROSS_COMPILE + "gcc")
        for flavour in paths.FLAVOURS:
            with self.subTest(flavour=flavour), tempfile.TemporaryDirectory() as tmp:
                tree = paths.build_dir() / f"tree-{flavour}"
                if not (tree / "mm" / ".lrulab.o.flags").is_file():
                    build.build(pristine, flavour)
                obj = labobj.compile_lab(every_name().encode(), tree, "every-name.c",
                                         flavour, Path(tmp))
                # gnu11 only warns of an undeclared function: each one the
                # object calls must be the kernel's
                undefined = subprocess.run([paths.CROSS_COMPILE + "nm", "-u", str(obj)],
                                           capture_output=True, text=True, check=True)
                system_map = paths.build_dir() / f"System.map-{flavour}"
                if not system_map.is_file():
                    build.build(pristine, flavour)
                known = {line.split()[-1] for line in system_map.read_text().splitlines()}
                self.assertEqual([s.split()[-1] for s in undefined.stdout.splitlines()
                                  if s.split()[-1] not in known], [])
                mm_h = (tree / "include" / "linux" / "mm.h").read_text()
                self.assertEqual(page_flags(LAB_WASM_H.read_text()),
                                 {n: v for n, v in page_flags(mm_h).items()
                                  if n in page_flags(LAB_WASM_H.read_text())})

    def compile(self, cc: list[str]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "every-name.c"
            src.write_text(every_name())
            proc = subprocess.run([*cc, "-fsyntax-only", str(src)], capture_output=True,
                                  text=True)
            self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])


if __name__ == "__main__":
    unittest.main()
