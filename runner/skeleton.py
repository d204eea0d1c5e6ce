"""Skeletons are generated from solution.c: never kept by hand.

A region between `/* BEGIN SOLUTION */` and `/* END SOLUTION */` is cut;
the TODO comment above it stays and tells the student what to write.
"""
import re

REGION = re.compile(r"[ \t]*/\* BEGIN SOLUTION \*/\n.*?[ \t]*/\* END SOLUTION \*/\n", re.S)
HEADER = ("/*\n * {lab}: your lab.c.  Fill in each TODO; ./lab test {lab} grades it.\n"
          " * Only #include \"lab.h\" and the API it declares are allowed.\n */\n")


def make_skeleton(solution: str, lab_id: str) -> str:
    if "BEGIN SOLUTION" not in solution:
        raise ValueError("solution.c has no /* BEGIN SOLUTION */ region")
    body = REGION.sub("", solution)
    # the reference's own header comment goes; the student's replaces it
    body = re.sub(r"\A/\*.*?\*/\n", "", body, count=1, flags=re.S)
    return HEADER.format(lab=lab_id) + body


def strip_markers(solution: str) -> str:
    """The reference as a student would write it: markers removed."""
    return re.sub(r"[ \t]*/\* (BEGIN|END) SOLUTION \*/\n", "", solution)
