"""The static check: what a lab.c must be before either world builds it.

It teaches, with a one-line reason per rule, and it keeps one lab.c the
same program in both worlds.  The model world's security does not rest on
it: there the lab's code is WebAssembly with no way out but the API
(runner/model/build.py).  In the kernel world the lab's code runs inside the
guest kernel, so there the memory rules on clang's own AST of the file (no
casts, pointer arithmetic, member access, arrays, addresses but
&pagemap_lru_lock, asm, attributes, builtins) are what keep it to the API;
QEMU keeps the guest from the host.

Every rule works on what the compiler sees: the directive scan joins
continued lines and reads digraphs and trigraphs as the preprocessor does,
the include rule is the preprocessor's own list of the files it opened, and
the code rules walk clang's AST.
"""
import json
import os
import re
import unicodedata
from pathlib import Path

from runner.paths import BUILD, ROOT

MAX_SOURCE_BYTES = 64 * 1024
# the files lab.h is made of, as the preprocessor names them
LAB_HEADERS = ("include/lab.h", "include/lrulab/lab-wasm.h", "include/lrulab/hooks.def")
ADDRESS_OK = {"pagemap_lru_lock"}
DEREF_OK = {"int", "long", "unsigned int", "unsigned long"}


class StaticCheckError(Exception):
    """One line: what is wrong and where."""


# ---- the text --------------------------------------------------------------

def check_text(path: Path, label: str) -> str:
    """Size, encoding; returns the text.  label names the file in messages."""
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
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StaticCheckError(f"{label}: not UTF-8 text") from None
    for n, line in enumerate(text.split("\n"), 1):
        bad = next((c for c in line if unicodedata.category(c) in ("Cf", "Cs", "Co")
                    or (unicodedata.category(c) == "Cc" and c not in "\t\r")), None)
        if bad:
            raise StaticCheckError(
                f"{label}:{n}: the invisible character U+{ord(bad):04X} "
                f"({unicodedata.name(bad, 'a control character')}): a lab.c is plain text")
    return text


# ---- the directives, as translation phases 1-3 leave them -------------------

TRIGRAPHS = {"=": "#", "(": "[", ")": "]", "/": "\\", "'": "^", "<": "{", ">": "}",
             "!": "|", "-": "~"}
TOKEN = re.compile(r"""//[^\n]*|/\*.*?(\*/|\Z)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?""", re.S)


def logical_lines(src: str) -> list[tuple[int, str]]:
    """(first physical line, text) of each logical line, comments and literals
    blanked: trigraphs replaced, continued lines joined (phases 1-3).  A bare
    CR ends a line, as it does for clang."""
    src = src.replace("\r\n", "\n").replace("\r", "\n")
    src = re.sub(r"\?\?([=()/'<>!-])", lambda m: TRIGRAPHS[m.group(1)], src)
    out, line, start = [], [], 1
    physical = src.split("\n")
    joined, owner = [], []
    for n, text in enumerate(physical, 1):
        if not line:
            start = n
        if text.endswith("\\"):
            line.append(text[:-1])
            continue
        line.append(text)
        joined.append("".join(line))
        owner.append(start)
        line = []
    if line:
        joined.append("".join(line))
        owner.append(start)
    text = "\n".join(joined)

    def blank(m: re.Match) -> str:
        t = m.group(0)
        if t.startswith("/*") or t.startswith("//"):
            return " " + "\n" * t.count("\n")
        return '""'
    text = TOKEN.sub(blank, text)
    # a comment spanning lines joined them; keep the logical line numbers
    for i, t in enumerate(text.split("\n")):
        out.append((owner[i] if i < len(owner) else owner[-1], t))
    return out


DIRECTIVE = re.compile(r"^\s*(?:#|%:)\s*([A-Za-z_]\w*)?(.*)$")
CONDITIONALS = {"if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else", "endif"}


def check_directives(src: str, label: str) -> None:
    """Only #include "lab.h" and #define/#undef; no conditionals, #error,
    pragmas (also _Pragma), #line or #embed; no token pasting or
    stringizing (they can make any name, _Pragma included); no name the
    compiler defines itself (__OPTIMIZE__, __i386__, linux...): so the
    model and the kernel compile the same code."""
    lines = src.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    reserved = predefined_names()
    for n, line in logical_lines(src):
        if re.search(r"\b_Pragma\b", line):
            raise StaticCheckError(f"{label}:{n}: _Pragma: pragmas are not allowed in a lab")
        if "##" in line or "%:%:" in line:
            raise StaticCheckError(f"{label}:{n}: token pasting (##) is not allowed in a lab")
        for name in re.findall(r"[A-Za-z_]\w*", line):
            if name in reserved or (name.startswith("__") and name not in LAB_NAMES):
                raise StaticCheckError(f"{label}:{n}: {name}: {_reserved_why(name)}")
        m = DIRECTIVE.match(line)
        if not m:
            continue
        name = m.group(1) or ""
        if name == "define" and re.match(r"\s*(?:#|%:)\s*define\s+\w+\(", line) and \
                re.search(r"(?<![#%:])(?:#|%:)\s*[A-Za-z_]", line.split(")", 1)[-1]):
            raise StaticCheckError(f"{label}:{n}: stringizing (#) is not allowed in a lab")
        if name == "include":
            raw = lines[n - 1] if n <= len(lines) else ""
            if not re.match(r'\s*#\s*include\s*"lab\.h"\s*(//.*|/\*.*)?$', raw):
                raise StaticCheckError(f"{label}:{n}: only #include \"lab.h\" is allowed")
        elif name in CONDITIONALS:
            raise StaticCheckError(
                f"{label}:{n}: #{name}: no conditional compilation in a lab, so that "
                "both worlds compile the same code")
        elif name in ("define", "undef", ""):
            continue
        else:
            raise StaticCheckError(f"{label}:{n}: #{name} is not allowed in a lab")


def _reserved_why(name: str) -> str:
    """What a compiler-reserved name is for a student: the common ones by name."""
    if name.strip("_") in ("attribute",):
        return f"attributes (__attribute__((...))) are {NO}"
    if name.strip("_") in ("asm", "volatile"):
        return f"inline asm is {NO}"
    if name.startswith("__builtin"):
        return f"compiler builtins are {NO}: use the API"
    return "a name the compiler defines or reserves; a lab uses only its own names and lab.h's"


LAB_H = ROOT / "model" / "include" / "lrulab" / "lab-wasm.h"


def lab_api() -> dict[str, list[str]]:
    """Every kernel name lab.h offers a lab, with its parameter names, read
    from lab.h itself (the lab_* imports behind them are the model's own
    business, not the API)."""
    text = LAB_H.read_text()
    names: dict[str, list[str]] = {}
    kernel_names = text.split("/* The kernel's names for them */", 1)[1]
    for name, params in re.findall(r"^#define\s+(\w+)\(([^)]*)\)", kernel_names, re.M):
        names[name] = [p.strip() for p in params.split(",") if p.strip()]
    for name, params in re.findall(r"^(?:void|int)\s+\**(\w+)\(([^)]*)\);", text, re.M):
        if not name.startswith("lab_"):
            names[name] = [p.split()[-1].lstrip("*") for p in params.split(",")
                           if p.strip() != "void"]
    return names


# lab.h's own names that start with __ (the API), and the names compilers
# define: computed once from the compilers themselves
LAB_NAMES = {name for name in lab_api() if name.startswith("__")} | {"__func__"}
_predefined: set[str] = set()


def predefined_names() -> set[str]:
    """Every macro clang predefines for the model's and the kernel's targets
    (and gcc's, where the cross compiler is installed).  Asking the three
    compilers costs a fifth of a second, so the answer is kept in build/,
    keyed by the compilers' own files: a new compiler asks again."""
    import shutil
    import subprocess
    if _predefined:
        return _predefined
    cmds = [["clang", "--target=wasm32", "-std=c11", "-O2", "-dM", "-E", "-"],
            ["clang", "--target=i686-linux-gnu", "-std=gnu11", "-O2", "-dM", "-E", "-"]]
    if shutil.which("i686-linux-gnu-gcc"):
        cmds.append(["i686-linux-gnu-gcc", "-std=gnu11", "-O2", "-dM", "-E", "-"])
    key = []
    for cmd in cmds:
        found = Path(shutil.which(cmd[0]) or cmd[0]).resolve()
        st = found.stat() if found.exists() else None
        key.append(" ".join(cmd) + f" {found} {st and st.st_size} {st and st.st_mtime_ns}")
    cache = BUILD / "predefined-names.json"
    try:
        kept = json.loads(cache.read_text())
        if kept["key"] == key:
            _predefined.update(kept["names"])
            return _predefined
    except (OSError, ValueError, KeyError, TypeError):
        pass
    for cmd in cmds:
        out = subprocess.run(cmd, input="", capture_output=True, text=True).stdout
        _predefined.update(re.findall(r"^#define (\w+)", out, re.M))
    _predefined.update({"linux", "unix", "i386", "__linux__", "__unix__"})
    try:
        BUILD.mkdir(exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "names": sorted(_predefined)}))
        tmp.rename(cache)
    except OSError:
        pass                    # a read-only checkout asks every time
    return _predefined


def check_deps(deps: str, label: str) -> None:
    """The preprocessor's own list of the files it opened: lab.h and its parts."""
    names = deps.replace("\\\n", " ").split(":", 1)[-1].split()
    for dep in names[1:]:          # names[0] is the lab.c itself
        if not any(dep.endswith("/" + h) for h in LAB_HEADERS):
            raise StaticCheckError(f"{label}: includes {Path(dep).name}; only "
                                   "#include \"lab.h\" is allowed")


# ---- the code, as clang's AST has it ----------------------------------------

NO = "not allowed in a lab"
MEMBER = "struct member access (page->...) is " + NO + ": use the API (page_count, PageLRU...)"
RULES = {
    "MemberExpr": MEMBER,
    "ArraySubscriptExpr": f"array indexing is {NO}",
    "GCCAsmStmt": f"inline asm is {NO}",
    "MSAsmStmt": f"inline asm is {NO}",
    "FileScopeAsmDecl": f"asm is {NO}",
    "StmtExpr": f"statement expressions are {NO}",
    "IndirectGotoStmt": f"computed goto is {NO}",
    "AddrLabelExpr": f"label addresses are {NO}",
}
RULES_TEXT = {"arith": f"pointer arithmetic is {NO}"}
BAD_IMPLICIT = {"BitCast": f"converting a pointer to another pointer type is {NO}",
                "IntegralToPointer": f"using an integer as a pointer is {NO}",
                "PointerToIntegral": f"using a pointer as an integer is {NO}"}


def _qual(node: dict) -> str:
    return node.get("type", {}).get("qualType", "")


def _is_pointer(node: dict) -> bool:
    q = _qual(node)
    return "*" in q or "[" in q


def _why(node: dict) -> str | None:
    kind = node.get("kind", "")
    inner = node.get("inner", [])
    if kind in RULES:
        return RULES[kind]
    if kind.endswith("Attr") and not node.get("implicit"):
        return f"attributes (__attribute__((...))) are {NO}"
    if kind == "CStyleCastExpr" and _qual(node) != "void":
        return f"casts are {NO} (but (void) to discard a value)"
    if kind == "ImplicitCastExpr" and node.get("castKind") in BAD_IMPLICIT:
        if node["castKind"] != "BitCast" or _qual(node) != _qual(inner[0] if inner else {}):
            return BAD_IMPLICIT[node["castKind"]]
    if kind == "BinaryOperator" and node.get("opcode") in ("+", "-") and \
            any(_is_pointer(c) for c in inner):
        return RULES_TEXT["arith"]
    if kind == "CompoundAssignOperator" and node.get("opcode") in ("+=", "-=") and \
            any(_is_pointer(c) for c in inner[:1]):
        return RULES_TEXT["arith"]
    if kind == "UnaryOperator":
        op = node.get("opcode")
        if op in ("++", "--") and inner and _is_pointer(inner[0]):
            return RULES_TEXT["arith"]
        if op == "&":
            target = inner[0] if inner else {}
            name = target.get("referencedDecl", {}).get("name")
            if target.get("kind") != "DeclRefExpr" or name not in ADDRESS_OK:
                return f"taking an address is {NO} (but &pagemap_lru_lock)"
        if op == "*" and _qual(node) not in DEREF_OK:
            return f"dereferencing a pointer to {_qual(node)} is {NO}: use the API"
    if kind == "DeclRefExpr" and \
            node.get("referencedDecl", {}).get("name", "").startswith("__builtin"):
        return f"compiler builtins are {NO}"
    if kind == "VarDecl" and "[" in _qual(node):
        return f"arrays are {NO}"
    return None


def _walk(root: dict, label: str, line: list[int]) -> None:
    """Every node under root, depth first, without recursion (a lab's
    expression may nest deeper than Python's stack)."""
    stack = [root]
    while stack:
        node = stack.pop()
        loc = node.get("loc") or node.get("range", {}).get("begin") or {}
        if isinstance(loc, dict) and "line" in loc:
            line[0] = loc["line"]
        why = _why(node)
        if why:
            raise StaticCheckError(f"{label}:{line[0]}: {why}")
        stack.extend(c for c in reversed(node.get("inner", [])) if isinstance(c, dict))


def _from_header(decl: dict, in_header: list[bool]) -> bool:
    """Does this top-level declaration come from lab.h?  clang names a file
    in a location only when it changes, so the walk carries it along."""
    for loc in (decl.get("loc", {}), decl.get("range", {}).get("begin", {})):
        if "includedFrom" in loc:
            in_header[0] = True
            return True
        if "file" in loc:
            in_header[0] = any(loc["file"].endswith("/" + h) for h in LAB_HEADERS)
            return in_header[0]
        spelling = loc.get("spellingLoc", {})
        if "includedFrom" in spelling:
            return True
    return in_header[0]


def parse_ast(ast_json: str, label: str) -> dict:
    try:
        return json.loads(ast_json)
    except RecursionError:
        raise StaticCheckError(f"{label}: expressions nested too deeply for the grader "
                               "to read; write it more plainly") from None


def check_ast(tree: dict, label: str, hooks: list[str]) -> None:
    """The memory and API rules on the lab's own declarations (tree: parse_ast's)."""
    in_header = [False]
    for decl in tree.get("inner", []):
        if decl.get("isImplicit") or _from_header(decl, in_header):
            continue
        line = [decl.get("loc", {}).get("line", 0)]
        kind, name = decl.get("kind"), decl.get("name", "")
        if kind in ("FunctionDecl", "VarDecl") and decl.get("storageClass") != "static" \
                and name not in hooks:
            if kind == "FunctionDecl" and not any(
                    c.get("kind") == "CompoundStmt" for c in decl.get("inner", [])):
                raise StaticCheckError(f"{label}:{line[0]}: declares {name}, which is not "
                                       "in the lab API (see lab.h)")
            what = "function" if kind == "FunctionDecl" else "variable"
            raise StaticCheckError(f"{label}:{line[0]}: defines global {what} {name}; "
                                   "make it static, or it is not a hook of this lab")
        _walk(decl, label, line)


def hooks_defined(tree: dict, hooks: list[str]) -> set[str]:
    """The hooks the file defines (with a body)."""
    return {d.get("name") for d in tree.get("inner", [])
            if d.get("kind") == "FunctionDecl" and d.get("name") in hooks and
            any(c.get("kind") == "CompoundStmt" for c in d.get("inner", []))}


def check_file(path: Path, hooks: list[str], label: str) -> None:
    """Every rule, and a build in the model world: raise StaticCheckError with
    a one-line reason, or return."""
    from runner.model import build
    build.check_only(path, hooks, label)
