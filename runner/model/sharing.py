"""How much one student's answer is worth to another: measured, per question.

For N generated students (ids student-000, ...), each question's instance
and the model's own answer on it (a number computed, or the minimized
failing schedule); then, for sampled pairs of students, whether the first
one's answer is accepted on the second one's instance.  The share rate is
the fraction of pairs where it is: the chance that a copied answer scores.

    python3 -m runner.model.sharing [--students 200] [--pairs 1000]
"""
import argparse
import random
import sys

from runner import labs
from runner.labs import Lab, Question
from runner.model import questions


def accepted(lab: Lab, q: Question, answer: str, instance: int) -> bool:
    return questions.grade_question(lab, q, answer, instance).score == q.points


def share_rate(lab: Lab, q: Question, students: int, pairs: int,
               rng: random.Random) -> tuple[float, int, int] | None:
    """(share rate, distinct instances, distinct answers); None if unmeasurable."""
    ids = [f"student-{i:03d}" for i in range(students)]
    inst = {s: questions.instance_for(s, lab, q) for s in ids}
    answers = {}
    for n in set(inst.values()):
        answers[n] = questions.solve(lab, q, n)
    if any(a is None for a in answers.values()):
        return None
    shared = 0
    cache: dict[tuple[str, int], bool] = {}
    for _ in range(pairs):
        a, b = rng.sample(ids, 2)
        key = (answers[inst[a]], inst[b])
        if key not in cache:
            cache[key] = inst[a] == inst[b] or accepted(lab, q, key[0], key[1])
        shared += cache[key]
    return shared / pairs, len(set(inst.values())), len(set(answers.values()))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python3 -m runner.model.sharing", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", type=int, default=200)
    p.add_argument("--pairs", type=int, default=1000)
    args = p.parse_args(argv)
    rng = random.Random(1)
    print(f"{'question':<22} {'share rate':>10} {'instances':>9} {'answers':>7}")
    for lab in labs.all_labs():
        for q in lab.questions:
            r = share_rate(lab, q, args.students, args.pairs, rng)
            name = f"{lab.id[:2]} {q.id} ({q.kind})"
            if r is None:
                print(f"{name:<22} {'(replay only)':>10}")
            else:
                print(f"{name:<22} {r[0]:>10.1%} {r[1]:>9} {r[2]:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
