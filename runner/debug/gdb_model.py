"""gdb commands for the model's debug binary (./lab debug sources this into gdb).

  lrulab-page [PAGE]   one page: count, flags by name, the LRU list it is on,
                       its holders (ptes, pins, the swap cache); PAGE is a
                       struct page * expression (page, old_page), an id (3,
                       p3), or nothing: the page of the step stopped at
  lrulab-pages         every page that is not on the free list
  lrulab-step          the step the run stopped at: who is about to do what
  lrulab-hook          select the innermost frame of the lab's own code

Everything is read from the model's own variables (mem_map, mms,
active_list, inactive_list, swapper_space, sim) and the flag names from its
own enum (lrulab/kernel.h), so nothing here restates the model.
"""
import os

import gdb  # type: ignore  # only inside gdb

CONFIG = {"lab_c": "", "step": 0, "hooks": []}


def configure(lab_c: str, step: int, hooks: list[str]) -> None:
    """Called by the session's gdb script before the run starts."""
    CONFIG.update(lab_c=os.path.realpath(lab_c), step=step, hooks=hooks)


def _int(value) -> int:
    return int(value.cast(gdb.lookup_type("long")))


def flag_names() -> dict[int, str]:
    """bit -> name, from the model's enum of PG_* flags."""
    sym = gdb.lookup_global_symbol("PG_locked") or gdb.lookup_symbol("PG_locked")[0]
    if sym is None:
        return {}
    return {int(f.enumval): f.name[3:] for f in sym.type.fields()
            if f.name.startswith("PG_")}


def nr_pages() -> int:
    return gdb.parse_and_eval("mem_map").type.range()[1] + 1


def _page_value(arg: str) -> gdb.Value:
    """A struct page (not a pointer) from an id, p<id>, or an expression."""
    text = arg.strip()
    if not text:
        pid = stopped_page()
        if pid is None:
            raise gdb.GdbError("lrulab-page: the step stopped at names no page; "
                               "give one: lrulab-page page, lrulab-page 3")
        text = str(pid)
    if text.lstrip("p").isdigit():
        pid = int(text.lstrip("p"))
        if not 0 <= pid < nr_pages():
            raise gdb.GdbError(f"lrulab-page: pages are p0 to p{nr_pages() - 1}")
        return gdb.parse_and_eval(f"mem_map[{pid}]")
    value = gdb.parse_and_eval(text)
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        if _int(value) == 0:
            raise gdb.GdbError(f"lrulab-page: {text} is NULL")
        value = value.dereference()
    if value.type.strip_typedefs().tag != "page":
        raise gdb.GdbError(f"lrulab-page: {text} is a {value.type}, not a struct page")
    return value


def _list_members(head: str) -> list[int]:
    """Addresses of the lru fields on one of the model's LRU lists."""
    start = gdb.parse_and_eval(f"&{head}")
    node, out = start["next"], []
    while _int(node) != _int(start) and len(out) <= nr_pages():
        out.append(_int(node))
        node = node["next"]
    return out


def _holders(page: gdb.Value) -> tuple[list[str], int]:
    """The holders of a page as the model's leak check counts them."""
    addr = _int(page.address)
    mms = gdb.parse_and_eval("mms")
    ptes = []
    for m in range(mms.type.range()[1] + 1):
        mm = mms[m]
        table = mm["pte"]
        for i in range(table.type.range()[1] + 1):
            pte = table[i]
            if _int(pte["page"]) == addr:
                ptes.append(f"{mm['name'].string()} pte {i}"
                            f"{' (writable)' if bool(pte['write']) else ''}")
    out = [f"{len(ptes)} pte{'s' * (len(ptes) != 1)}" +
           (f" ({', '.join(ptes)})" if ptes else "")]
    pins = int(page["pins"])
    out.append(f"{pins} pin{'s' * (pins != 1)}")
    cached = _int(page["mapping"]) == _int(gdb.parse_and_eval("&swapper_space"))
    out.append(f"swap cache (entry {int(page['index'])})" if cached else "not in the swap cache")
    return out, len(ptes) + pins + int(cached)


def _context(ctx: int) -> str:
    if ctx < 0 or ctx >= int(gdb.parse_and_eval("sim.nr_ctx")):
        return "nobody"
    c = gdb.parse_and_eval(f"sim.ctx[{ctx}]")
    kind = str(c["kind"]).removeprefix("CTX_").lower()
    return f"cpu{int(c['cpu'])} {kind} {c['name'].string()}"


def describe_page(page: gdb.Value) -> list[str]:
    pid = int(page["id"])
    flags = _int(page["flags"])
    names = flag_names()
    set_flags = [names.get(b, f"bit{b}") for b in range(64) if flags >> b & 1]
    lines = [f"p{pid} (mem_map[{pid}]): count {int(page['count']['counter'])}, flags "
             f"{'|'.join(set_flags) or 'none'} ({flags:#x})"]
    lru = _int(page["lru"].address)
    where = "not on an LRU list"
    for head in ("active_list", "inactive_list"):
        members = _list_members(head)
        if lru in members:
            where = f"on {head} ({members.index(lru) + 1} of {len(members)} from the head)"
    want = "lru" in set_flags
    if want != where.startswith("on "):
        where += f" (but PG_lru is {'set' if want else 'clear'})"
    lines.append(f"  lists: {where}")
    holders, total = _holders(page)
    lines.append(f"  holders: {', '.join(holders)}: {total} in all")
    free = bool(page["free"])
    lines.append(f"  on the free list: {'yes' if free else 'no'}; last freed by "
                 f"{_context(int(page['freed_by']))}")
    return lines


def stopped_event() -> gdb.Value | None:
    step = CONFIG["step"]
    if not step or step > int(gdb.parse_and_eval("sim.nr_trace")):
        return None
    return gdb.parse_and_eval(f"sim.trace[{step - 1}]")


def stopped_page() -> int | None:
    ev = stopped_event()
    if ev is not None and int(ev["page"]) >= 0:
        return int(ev["page"])
    return None


def _string(value: gdb.Value) -> str:
    return value.string() if _int(value) else ""


class PageCommand(gdb.Command):
    """lrulab-page [PAGE]: count, flags, LRU list and holders of a model page.
PAGE: a struct page * expression (page), an id (3 or p3), or nothing for the
page of the step the run stopped at."""

    def __init__(self) -> None:
        super().__init__("lrulab-page", gdb.COMMAND_DATA)

    def invoke(self, arg: str, from_tty: bool) -> None:
        for line in describe_page(_page_value(arg)):
            print(line)


class PagesCommand(gdb.Command):
    """lrulab-pages: every model page that is not on the free list."""

    def __init__(self) -> None:
        super().__init__("lrulab-pages", gdb.COMMAND_DATA)

    def invoke(self, arg: str, from_tty: bool) -> None:
        shown = 0
        for pid in range(nr_pages()):
            page = gdb.parse_and_eval(f"mem_map[{pid}]")
            if not bool(page["free"]):
                print("\n".join(describe_page(page)))
                shown += 1
        print(f"{shown} page{'s' * (shown != 1)} in use of {nr_pages()}")


class StepCommand(gdb.Command):
    """lrulab-step: the step the run stopped at (about to be taken)."""

    def __init__(self) -> None:
        super().__init__("lrulab-step", gdb.COMMAND_STATUS)

    def invoke(self, arg: str, from_tty: bool) -> None:
        ev = stopped_event()
        if ev is None:
            raise gdb.GdbError("lrulab-step: the run has not reached the step it "
                               "stops at (run it first)")
        obj = f"(p{int(ev['page'])})" if int(ev["page"]) >= 0 else \
            f"({_string(ev['lock'])})" if _string(ev["lock"]) else ""
        hook = _string(ev["hook"])
        who = f"step {CONFIG['step']}: {_context(int(ev['ctx']))} is about to"
        if bool(ev["opaque"]):
            print(f"{who} run the reference code of {hook} (another lab's hook: "
                  "one step)")
            return
        where = _string(ev["where"])
        print(f"{who} do {_string(ev['what'])}{obj} in {where}" +
              ("" if where == hook else f" (called from {hook})" if hook else ""))


class HookCommand(gdb.Command):
    """lrulab-hook: select the innermost frame of the lab's own code."""

    def __init__(self) -> None:
        super().__init__("lrulab-hook", gdb.COMMAND_STACK)

    def invoke(self, arg: str, from_tty: bool) -> None:
        frame = gdb.newest_frame()
        while frame is not None:
            sal = frame.find_sal()
            if sal.symtab and os.path.realpath(sal.symtab.fullname()) == CONFIG["lab_c"]:
                frame.select()
                gdb.execute("frame")
                return
            frame = frame.older()
        print(f"lrulab-hook: no frame of {CONFIG['lab_c']} on this stack: the step "
              "is in model code (bt shows where)")


PageCommand()
PagesCommand()
StepCommand()
HookCommand()
