"""gdb commands for the kernel stage (./lab boot --gdb's .gdbinit sources this).

  lrulab-page [PAGE]   a 2.4 struct page: count, flags by name, the LRU list
                       it is on, its mapping; PAGE is an expression (page, an
                       address); nothing: the first argument of the hook
                       stopped at (read from the stack at its entry)

The kernel has debug information only for the lab.c; struct page comes from
types-FLAVOUR.o (runner/debug/kernel.py) and the flag names from the tree's
include/linux/mm.h, passed in by configure().
"""
import gdb  # type: ignore  # only inside gdb

FLAGS: dict[int, str] = {}


def configure(flags: dict[int, str]) -> None:
    FLAGS.clear()
    FLAGS.update(flags)


def _page_ptr_type() -> gdb.Type:
    return gdb.lookup_type("struct page").pointer()


def _addr(value: gdb.Value) -> int:
    return int(value.cast(gdb.lookup_type("unsigned long")))


def hook_argument() -> gdb.Value:
    """The first argument of the function at whose entry we stopped (cdecl:
    2.4 i386 passes it on the stack, above the return address)."""
    esp = int(gdb.parse_and_eval("(unsigned long) $esp"))
    word = gdb.parse_and_eval(f"*(unsigned long *) {esp + 4}")
    return word.cast(_page_ptr_type())


def page_of(arg: str) -> gdb.Value:
    text = arg.strip()
    if not text:
        return hook_argument()
    value = gdb.parse_and_eval(text)
    if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR and \
            value.type.strip_typedefs().target().strip_typedefs().tag == "page":
        return value
    return gdb.Value(_addr(value)).cast(_page_ptr_type())


def _lru_offset() -> int:
    for f in gdb.lookup_type("struct page").fields():
        if f.name == "lru":
            return f.bitpos // 8
    raise gdb.GdbError("struct page has no lru field")


def list_pages(symbol: str) -> list[int]:
    """Addresses of the pages on one of the kernel's LRU lists."""
    head = gdb.parse_and_eval(f"(struct list_head *) &{symbol}")
    node, out, offset = head["next"], [], _lru_offset()
    while _addr(node) != _addr(head) and len(out) < 1 << 20:
        out.append(_addr(node) - offset)
        node = node["next"]
    return out


def describe(page: gdb.Value) -> list[str]:
    p = page.dereference()
    flags = _addr(p["flags"])
    names = [FLAGS.get(b, f"bit{b}") for b in range(32) if flags >> b & 1]
    mem_map = _addr(gdb.parse_and_eval("*(unsigned long *) &mem_map"))
    size = gdb.lookup_type("struct page").sizeof
    addr = _addr(page)
    lines = [f"page {addr:#x} (mem_map[{(addr - mem_map) // size}]): count "
             f"{int(p['count']['counter'])}, flags {'|'.join(names) or 'none'} ({flags:#x})"]
    where = "not on an LRU list"
    for symbol in ("active_list", "inactive_list"):
        pages = list_pages(symbol)
        if addr in pages:
            where = f"on {symbol} ({pages.index(addr) + 1} of {len(pages)} from the head)"
    lines.append(f"  lists: {where}")
    mapping = _addr(p["mapping"])
    swapper = _addr(gdb.parse_and_eval("(unsigned long) &swapper_space"))
    kind = "none (anonymous or free)" if not mapping else \
        f"swapper_space: in the swap cache, entry {_addr(p['index']):#x}" \
        if mapping == swapper else f"{mapping:#x} (a file's page cache)"
    lines.append(f"  mapping: {kind}; buffers: {'yes' if _addr(p['buffers']) else 'none'}")
    return lines


class PageCommand(gdb.Command):
    """lrulab-page [PAGE]: count, flags, LRU list and mapping of a struct page.
PAGE: an expression (page, old_page, 0xc1000000); nothing: the hook's first
argument, read at its entry."""

    def __init__(self) -> None:
        super().__init__("lrulab-page", gdb.COMMAND_DATA)

    def invoke(self, arg: str, from_tty: bool) -> None:
        for line in describe(page_of(arg)):
            print(line)


PageCommand()
