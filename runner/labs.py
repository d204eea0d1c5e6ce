"""The labs as data: labs/<id>/lab.json, validated, with the paths a lab owns."""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from runner.paths import BUILD, LABS_DIR, ROOT, WORK  # noqa: F401 (re-exported)

HOOKS_DEF = ROOT / "model" / "include" / "lrulab" / "hooks.def"


def hook_signatures() -> dict[str, tuple[str, str]]:
    """name -> (return type, parameters) of every HOOK() line of hooks.def,
    the hooks' single source."""
    text = re.sub(r"/\*.*?\*/", "", HOOKS_DEF.read_text(), flags=re.S)
    return {m[2]: (m[1].strip(), " ".join(m[3].split()))
            for m in re.finditer(r"HOOK\(\s*([^,]+),\s*(\w+),\s*\(([^)]*)\)", text)}


HOOKS = set(hook_signatures())


class LabError(Exception):
    """Bad input: the message is one line naming the file and the fix."""


# Gradescope's visibility of a test: who sees its result and output, when
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


@dataclass
class Test:
    name: str
    points: int
    scenario: str
    strategies: list[str]
    check: str = "all"
    cpus: int = 2
    up: bool = False
    counters: dict[str, str] = field(default_factory=dict)
    hint: str = ""
    # hints by failure: "CHECKER@HOOK", "CHECKER", "@HOOK" or "counters"
    hints: dict[str, str] = field(default_factory=dict)
    what: str = ""       # what it checks, for the handout's table
    memory: str = "sc"   # lrusim --memory: sc, tso or weak
    visibility: str = "visible"   # one of VISIBILITIES


@dataclass
class Question:
    id: str
    points: int
    kind: str            # "schedule" or "number"
    text: str
    variant: str         # a model variant, or "bad/<file>.c" of this lab
    scenario: str
    check: str = ""      # schedule: the failure that must happen
    counters: dict[str, str] = field(default_factory=dict)
    compute: dict[str, str] = field(default_factory=dict)   # number
    cpus: int = 2
    up: bool = False
    memory: str = "sc"
    visibility: str = "visible"   # one of VISIBILITIES


@dataclass
class Lab:
    id: str
    title: str
    hooks: list[str]
    tests: list[Test]
    questions: list[Question]
    dir: Path

    @property
    def solution(self) -> Path:
        return self.dir / "solution.c"

    @property
    def has_code(self) -> bool:
        return bool(self.hooks)

    def bad_variants(self) -> list[Path]:
        return sorted((self.dir / "bad").glob("*.c"))

    def good_variants(self) -> list[Path]:
        """Correct rewrites: the reference's logic in other shapes."""
        return sorted((self.dir / "good").glob("*.c"))

    @property
    def max_points(self) -> int:
        return sum(t.points for t in self.tests) + sum(q.points for q in self.questions)


def _need(obj: dict, key: str, kind: type, where: str):
    if key not in obj or not isinstance(obj[key], kind):
        raise LabError(f"{where}: needs \"{key}\" ({kind.__name__}); add it")
    return obj[key]


def _memory(obj: dict, where: str) -> str:
    memory = obj.get("memory", "sc")
    if memory not in ("sc", "tso", "weak"):
        raise LabError(f"{where}: memory must be \"sc\", \"tso\" or \"weak\"")
    return memory
def _visibility(obj: dict, where: str) -> str:
    v = obj.get("visibility", "visible")
    if v not in VISIBILITIES:
        raise LabError(f"{where}: visibility {v!r}: use one of {', '.join(VISIBILITIES)} "
                       "(Gradescope's values)")
    return v


def load(lab_id: str) -> Lab:
    path = LABS_DIR / lab_id / "lab.json"
    if not path.is_file():
        known = ", ".join(l.id for l in all_labs()) or "none"
        raise LabError(f"no lab {lab_id!r} (labs/{lab_id}/lab.json missing); "
                       f"known labs: {known}")
    where = f"labs/{lab_id}/lab.json"
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise LabError(f"{where}: invalid JSON at line {e.lineno}: {e.msg}") from None
    hooks = data.get("hooks", [])
    for h in hooks:
        if h not in HOOKS:
            raise LabError(f"{where}: unknown hook {h!r}; hooks are {sorted(HOOKS)}")
    tests = []
    for t in data.get("tests", []):
        tw = f"{where} test {t.get('name', '?')!r}"
        tests.append(Test(
            name=_need(t, "name", str, where), points=_need(t, "points", int, tw),
            scenario=_need(t, "scenario", str, tw),
            strategies=_need(t, "strategies", list, tw), check=t.get("check", "all"),
            cpus=t.get("cpus", 2), up=t.get("up", False),
            counters=t.get("counters", {}), hint=t.get("hint", ""),
            hints=t.get("hints", {}), what=t.get("what", ""),
            memory=_memory(t, tw), visibility=_visibility(t, tw)))
    questions = []
    for q in data.get("questions", []):
        qw = f"{where} question {q.get('id', '?')!r}"
        kind = _need(q, "kind", str, qw)
        if kind not in ("schedule", "number"):
            raise LabError(f"{qw}: kind must be \"schedule\" or \"number\"")
        questions.append(Question(
            id=_need(q, "id", str, where), points=_need(q, "points", int, qw),
            kind=kind, text=_need(q, "text", str, qw),
            variant=_need(q, "variant", str, qw), scenario=_need(q, "scenario", str, qw),
            check=q.get("check", ""), counters=q.get("counters", {}),
            compute=q.get("compute", {}), cpus=q.get("cpus", 2), up=q.get("up", False),
            memory=_memory(q, qw), visibility=_visibility(q, qw)))
    return Lab(id=lab_id, title=_need(data, "title", str, where), hooks=hooks,
               tests=tests, questions=questions, dir=path.parent)


def all_labs() -> list[Lab]:
    return [load(p.parent.name) for p in sorted(LABS_DIR.glob("*/lab.json"))]
