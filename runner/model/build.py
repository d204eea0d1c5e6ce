"""One lab.c into lrusim-lab: the model with the lab's code as a WebAssembly module.

The lab.c is compiled to WebAssembly by clang, translated to C by wasm2c
and linked with the model through model/lab/glue.c (the trust boundary:
model/lab/glue.c says what crosses it).  So whatever C or asm the file
contains, its code can touch its own memory and call the lab API, nothing
else: no model state, no checker, no stdout, no file.  All of the build
runs in one sandboxed run of model/lab/build-lab.sh, whose exit status
says which step failed; the static check's rules (runner/static_check.py)
are applied to what the compiler saw before anything is believed.

Builds are cached by content: the key covers the file, the lab's hooks,
the model, the lab module's sources and these rules, and a cached binary
is only used if it was made by a build that passed every check.
"""
import hashlib
import re
import tempfile
from pathlib import Path

from runner import static_check
from runner.labs import BUILD, ROOT, Lab, LabError
from runner.sandbox import run_untrusted
from runner.static_check import StaticCheckError

INCLUDE = ROOT / "model" / "include"
LABDIR = ROOT / "model" / "lab"
SCRIPT = LABDIR / "build-lab.sh"
LIBMODEL = BUILD / "libmodel.a"
LABOBJ = BUILD / "lab"           # the glue, the prelude, the AST plugin: made by make
MAIN_OBJ = BUILD / "model" / "fast" / "main.o"
# what make builds that every lab build uses (the tools of its sandbox)
NEEDED = (LIBMODEL, MAIN_OBJ, LABOBJ / "glue.o", LABOBJ / "lab-rt.o", LABOBJ / "prelude.h",
          LABOBJ / "prelude.h.gch", LABOBJ / "ast-json.so")
BUILD_TIMEOUT = 60
CACHE = BUILD / "labs"          # the batch grader gives each worker its own
# what clang says when a lab.c reaches into a struct page it cannot see
COMPILE_RULES = {
    "incomplete definition of type 'struct page'": static_check.MEMBER,
    "arithmetic on a pointer to an incomplete type": static_check.RULES_TEXT["arith"],
    "subscript of pointer to incomplete type": static_check.RULES["ArraySubscriptExpr"],
}
STEP = {11: "compiling", 12: "linking the module (wasm-ld)",
        13: "translating the module (wasm2c)", 14: "compiling the module",
        15: "linking with the model", 16: "checking the module's features"}


def _digest(source: bytes, hooks: list[str]) -> str:
    h = hashlib.sha256(source)
    h.update(" ".join(hooks).encode())
    for p in sorted([*INCLUDE.rglob("*.h"), *INCLUDE.rglob("*.def"), *LABDIR.iterdir(),
                     Path(static_check.__file__), Path(__file__)]):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    for p in NEEDED:
        st = p.stat()
        h.update(f"{p.name} {st.st_size} {st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def _first(lines: str, pattern: str = "error") -> str:
    for line in lines.splitlines():
        if pattern in line:
            return line.strip()
    return next((l.strip() for l in lines.splitlines() if l.strip()), "failed")


def _explain(step: int, stderr: str, label: str, src: Path, hooks: list[str]) -> str:
    """A failed step as one line a student can act on."""
    stderr = stderr.replace(str(src), label)
    if step == 12:
        m = re.search(r"symbol not found: (\w+)", stderr)
        if m and m.group(1) in hooks:
            return (f"{label}: does not define {m.group(1)}, a hook of this lab "
                    "(the skeleton from ./lab start has it)")
        m = re.search(r"undefined symbol: (\w+)", stderr)
        if m:
            return f"{label}: uses {m.group(1)}, which is not in the lab API (see lab.h)"
        if "memory" in stderr:
            return f"{label}: its static data does not fit in the lab's 30 KiB"
    if step == 16:
        return (f"{label}: uses WebAssembly bulk-memory operations (memory.fill, memory.copy), "
                "which write the module's memory around the lab API: not allowed")
    if step == 15:
        m = re.search(r"undefined reference to `Z_envZ_(\w+)'", stderr)
        if m:
            return f"{label}: calls {m.group(1)}, which is not in the lab API (see lab.h)"
    if step == 11:
        # only the compiler's words about the lab.c itself: a line about any
        # other file could quote that file
        own = [l.strip() for l in stderr.splitlines()
               if l.startswith(label + ":") and "error" in l]
        if not own:
            return (f"does not compile: {label}: the compiler stopped without an error in "
                    "the file itself (an error in what it includes?)")
        first = own[0]
        for clang_says, rule in COMPILE_RULES.items():
            if clang_says in first:
                where = first.split(": error:")[0].rsplit(":", 1)[0]
                return f"{where}: {rule}"
        return f"does not compile: {first}"
    return f"{label}: the grader could not build it ({STEP.get(step, step)}): " \
           f"{_first(stderr)}"


def _check_built(deps: Path, ast: Path, hooks: list[str], label: str) -> None:
    """The rules on what the compiler saw (also for a cached build: rules
    change, and a binary built under looser ones is not used)."""
    static_check.check_deps(deps.read_text(errors="replace"), label)
    tree = static_check.parse_ast(ast.read_text(errors="replace"), label)
    for hook in hooks:
        if hook not in static_check.hooks_defined(tree, hooks):
            raise StaticCheckError(f"{label}: does not define {hook}, a hook of this lab "
                                   "(the skeleton from ./lab start has it)")
    static_check.check_ast(tree, label, hooks)


def _build(lab_c: Path, hooks: list[str], label: str, out: Path) -> Path:
    """Check and build into out/; return the binary or raise StaticCheckError."""
    src = static_check.check_text(lab_c, label)
    static_check.check_directives(src, label)
    out.mkdir(parents=True, exist_ok=True)
    binary, deps, ast = out / "lrusim-lab.tmp", out / "deps", out / "ast.json"
    proc = run_untrusted(["/bin/sh", str(SCRIPT), str(lab_c), str(INCLUDE), str(LABDIR),
                          str(LABOBJ), str(MAIN_OBJ), str(LIBMODEL), str(binary), str(deps),
                          str(ast), *hooks],
                         inputs=[lab_c], tools=[INCLUDE, LABDIR, LABOBJ, MAIN_OBJ, LIBMODEL],
                         outputs=[binary, deps, ast], timeout=BUILD_TIMEOUT,
                         raise_on_timeout=False)
    if proc.returncode == -9:
        raise StaticCheckError(f"{label}: the build was stopped: it took more than "
                               f"{BUILD_TIMEOUT} s, or more memory or output than a build may")
    # what the preprocessor opened comes first: if it read anything but
    # lab.h, or did not say, no message of the compiler's is shown
    if not deps.exists():
        raise StaticCheckError(f"does not compile: {label}: the compiler stopped before it "
                               "said which files it read")
    static_check.check_deps(deps.read_text(errors="replace"), label)
    if proc.returncode == 11:
        raise StaticCheckError(_explain(proc.returncode, proc.stderr, label, lab_c, hooks))
    if not ast.exists():
        raise StaticCheckError(_explain(proc.returncode or 11, proc.stderr, label, lab_c,
                                        hooks))
    _check_built(deps, ast, hooks, label)
    if proc.returncode != 0 or not binary.exists():
        raise StaticCheckError(_explain(proc.returncode, proc.stderr, label, lab_c, hooks))
    final = out / "lrusim-lab"
    binary.rename(final)
    return final


def build_lab_binary(lab: Lab, lab_c: Path, label: str) -> Path:
    """The lrusim-lab for lab_c (cached); StaticCheckError with one line if not."""
    try:
        source = lab_c.read_bytes()
    except OSError:
        source = b""
    for needed in NEEDED:
        if not needed.exists():
            raise LabError(f"{needed.relative_to(ROOT)} is missing; run make first")
    out = CACHE / lab.id / _digest(source, lab.hooks)
    if (out / "lrusim-lab").exists():
        # every rule runs every time, whatever is cached
        static_check.check_directives(static_check.check_text(lab_c, label), label)
        _check_built(out / "deps", out / "ast.json", lab.hooks, label)
        return out / "lrusim-lab"
    return _build(lab_c, lab.hooks, label, out)


def check_only(lab_c: Path, hooks: list[str], label: str) -> None:
    """Every rule and a build, nothing kept (make labs, the kernel stage)."""
    with tempfile.TemporaryDirectory(prefix="lrulab-check-") as tmp:
        _build(lab_c, hooks, label, Path(tmp))
