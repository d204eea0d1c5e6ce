"""The static check a lab.c passes before anything runs.

It compiles alone against lab.h; it includes nothing but "lab.h"; it has no
inline asm, attributes, pragmas or constructors; the only global symbols it
defines are its lab's hooks (everything else static); and every symbol it
uses is in the kernel-named API that both worlds provide.

It also keeps the lab's code from reaching memory other than through the
API (clang's AST of the file): no member access, array indexing, casts or
pointer arithmetic, no address taken but &pagemap_lru_lock, no dereference
but of an int (nr_pages).  The model's checkers share the process with the
lab's code; these rules are what keeps them out of its reach, so that a
lab.c cannot, say, switch the checkers off through a stray pointer.
"""
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from runner.sandbox import run_untrusted
from runner.labs import ROOT

MAX_SOURCE_BYTES = 64 * 1024
INCLUDE = ROOT / "model" / "include"
CFLAGS = ["-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
          "-Wno-unused-parameter", f"-I{INCLUDE}"]

# What the macros of model/include/lrulab/kernel.h expand to, and the few
# functions a lab may call directly.  The kernel world provides the same
# names through its own lab.h.
ALLOWED_UNDEFINED = {
    "model_page_count", "model_get_page", "model_put_page_testzero",
    "model_test_bit", "model_set_bit", "model_clear_bit",
    "model_test_and_set_bit", "model_test_and_clear_bit", "model_unlock_page",
    "model_page_swap_cache", "model_in_interrupt", "model_bug",
    "model_spin_lock", "model_spin_unlock", "pagemap_lru_lock",
    "lru_cache_add", "lru_cache_del", "__lru_cache_del", "__free_pages",
    "page_cache_release",
}

FORBIDDEN_TOKENS = {
    "asm": "inline asm", "__asm__": "inline asm", "__asm": "inline asm",
    "__attribute__": "attributes (constructor, section, alias...)",
    "_Pragma": "pragmas",
    "__builtin_frame_address": "compiler builtins",
    "__builtin_return_address": "compiler builtins",
    "__builtin_memcpy": "compiler builtins",
    "__builtin_memset": "compiler builtins",
    "setjmp": "non-local jumps", "longjmp": "non-local jumps",
}

ADDRESS_OK = {"pagemap_lru_lock"}
RULES = {
    "MemberExpr": "struct member access (page->...): use the API (page_count, PageLRU...)",
    "ArraySubscriptExpr": "array indexing",
    "CStyleCastExpr": "casts",
    "GCCAsmStmt": "inline asm",
    "StmtExpr": "statement expressions",
}


class StaticCheckError(Exception):
    """One line: what is wrong and where."""


def _strip_comments_and_strings(src: str) -> str:
    pattern = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                         re.S)
    def blank(m: re.Match) -> str:
        text = m.group(0)
        if text[0] == "/":          # a comment: keep its line breaks
            return " " + "\n" * text.count("\n")
        return '""'
    return pattern.sub(blank, src)


def check_source(path: Path, label: str) -> str:
    """Source-level rules; returns the text.  label names the file in messages."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise StaticCheckError(f"{label}: cannot read ({e.strerror})") from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise StaticCheckError(f"{label}: {len(raw)} bytes, more than the "
                               f"{MAX_SOURCE_BYTES // 1024} KiB a lab.c may have")
    if not raw.strip():
        raise StaticCheckError(f"{label}: the file is empty; start from "
                               "./lab start ID")
    if b"\0" in raw:
        raise StaticCheckError(f"{label}: binary data (NUL bytes); a lab.c is C text")
    try:
        src = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StaticCheckError(f"{label}: not UTF-8 text") from None
    code = _strip_comments_and_strings(src)
    for n, line in enumerate(code.splitlines(), 1):
        s = line.strip()
        if s.startswith("#"):
            directive = s[1:].strip()
            original = src.splitlines()[n - 1]
            if directive.startswith("include") and \
                    not re.match(r'\s*#\s*include\s*"lab\.h"', original):
                raise StaticCheckError(f"{label}:{n}: only #include \"lab.h\" "
                                       "is allowed")
            if directive.startswith(("pragma", "line", "embed")):
                raise StaticCheckError(f"{label}:{n}: #{directive.split()[0]} "
                                       "is not allowed in a lab")
        for tok in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", line):
            if tok in FORBIDDEN_TOKENS:
                raise StaticCheckError(f"{label}:{n}: {tok}: "
                                       f"{FORBIDDEN_TOKENS[tok]} not allowed in a lab")
    return src


def _is_pointer(node: dict) -> bool:
    qual = node.get("type", {}).get("qualType", "")
    return "*" in qual or "[" in qual


def _walk(node: dict, label: str, line: list[int]) -> None:
    loc = node.get("loc") or node.get("range", {}).get("begin") or {}
    if isinstance(loc, dict) and "line" in loc and "includedFrom" not in loc:
        line[0] = loc["line"]
    kind = node.get("kind", "")
    inner = node.get("inner", [])
    why = RULES.get(kind)
    if kind == "BinaryOperator" and node.get("opcode") in ("+", "-") and \
            any(_is_pointer(c) for c in inner):
        why = "pointer arithmetic"
    if kind == "CompoundAssignOperator" and node.get("opcode") in ("+=", "-=") and \
            any(_is_pointer(c) for c in inner[:1]):
        why = "pointer arithmetic"
    if kind == "UnaryOperator":
        op = node.get("opcode")
        if op in ("++", "--") and inner and _is_pointer(inner[0]):
            why = "pointer arithmetic"
        elif op == "&":
            target = inner[0] if inner else {}
            name = target.get("referencedDecl", {}).get("name")
            if target.get("kind") != "DeclRefExpr" or name not in ADDRESS_OK:
                why = "taking an address (only &pagemap_lru_lock is allowed)"
        elif op == "*":
            qual = node.get("type", {}).get("qualType", "")
            if qual not in ("int", "long", "unsigned int", "unsigned long"):
                why = f"dereferencing a pointer to {qual} (use the API)"
    if kind == "VarDecl" and "[" in node.get("type", {}).get("qualType", ""):
        why = "an array"
    if why:
        raise StaticCheckError(f"{label}:{line[0]}: {why} is not allowed in a lab")
    for child in inner:
        if isinstance(child, dict):
            _walk(child, label, line)


def check_ast(path: Path, label: str, timeout: int = 60) -> None:
    """The memory-safety rules above, on clang's AST of the lab's own code."""
    clang = shutil.which("clang") or shutil.which("clang-14")
    if not clang:
        raise StaticCheckError("clang is needed for the static check (Debian "
                               "package clang); run make to install it")
    proc = run_untrusted([clang, "-std=c11", f"-I{INCLUDE}",
                          "-fsyntax-only", "-Xclang", "-ast-dump=json", str(path)],
                         inputs=[path, INCLUDE], timeout=timeout, raise_on_timeout=False,
                         keep=64 << 20)
    if proc.returncode != 0:
        first = next((l for l in proc.stderr.splitlines() if "error" in l),
                     "clang could not parse it")
        raise StaticCheckError(f"does not compile: {first.replace(str(path), label)}")
    tree = json.loads(proc.stdout)
    for decl in tree.get("inner", []):
        loc = decl.get("loc", {})
        if decl.get("isImplicit") or "includedFrom" in loc:
            continue
        if loc.get("file", str(path)) != str(path) and "line" not in loc:
            continue
        _walk(decl, label, [loc.get("line", 0)])


def compile_object(path: Path, out: Path, label: str, cc: str = "gcc",
                   timeout: int = 30) -> None:
    proc = run_untrusted([cc, *CFLAGS, "-c", str(path), "-o", str(out)],
                         inputs=[path, INCLUDE], outputs=[out], timeout=timeout,
                         raise_on_timeout=False)
    if proc.returncode != 0:
        first = next((l for l in proc.stderr.splitlines() if "error" in l),
                     proc.stderr.strip().splitlines()[0] if proc.stderr.strip()
                     else "compiler failed")
        first = first.replace(str(path), label)
        raise StaticCheckError(f"does not compile: {first}")


def check_object(obj: Path, hooks: list[str], label: str) -> None:
    nm = subprocess.run(["nm", "--format=posix", str(obj)], capture_output=True,
                        text=True, check=True).stdout
    defined = {l.split()[0] for l in nm.splitlines()
               if len(l.split()) > 1 and l.split()[1] == "T"}
    # a hook left out would silently fall back to the reference solution
    for hook in hooks:
        if hook not in defined:
            raise StaticCheckError(f"{label}: does not define {hook}, a hook of "
                                   "this lab (the skeleton from ./lab start has it)")
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            if name not in ALLOWED_UNDEFINED:
                raise StaticCheckError(f"{label}: calls {name}, which is not in "
                                       "the lab API (see lab.h)")
        elif kind.isupper() and kind not in "AN":
            if kind == "T" and name in hooks:
                continue
            what = "function" if kind in "TW" else "writable global" \
                if kind in "DBCG" else "global symbol"
            raise StaticCheckError(f"{label}: defines global {what} {name}; "
                                   "make it static, or it is not a hook of this lab")
    sections = subprocess.run(["objdump", "-h", str(obj)], capture_output=True,
                              text=True, check=True).stdout
    for bad in (".init_array", ".fini_array", ".ctors", ".dtors", ".preinit_array"):
        if bad in sections:
            raise StaticCheckError(f"{label}: has a {bad} section (constructor or "
                                   "destructor); not allowed")


def static_check(path: Path, hooks: list[str], label: str, out_obj: Path) -> None:
    """Raise StaticCheckError with a one-line reason, or leave out_obj built."""
    check_source(path, label)
    compile_object(path, out_obj, label)
    check_object(out_obj, hooks, label)
    check_ast(path, label)


def check_file(path: Path, hooks: list[str], label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        static_check(path, hooks, label, Path(tmp) / "lab.o")
