"""Debuggers for both worlds.

model.py       ./lab debug: a model schedule replayed under gdb, stopped in the
               lab's hook at a step (the debug binary: model/debug/native.c)
gdb_model.py   the gdb commands of that session (lrulab-page, -pages, -step, -hook)
kernel.py      ./lab boot --gdb: QEMU waiting for gdb-multiarch, a .gdbinit for it
gdb_kernel.py  the gdb commands of a kernel session (lrulab-page on a 2.4 struct page)
"""
