"""What grading a lab produces, in either world: one Result per test or question."""
from dataclasses import dataclass, field

from runner.labs import Lab


@dataclass
class Result:
    name: str
    score: int
    max_score: int
    output: str = ""
    kind: str = "test"          # "test", "question" or "note" (no points)
    # files to keep beside the report (a failure's whole trace)
    attachments: dict[str, str] = field(default_factory=dict)


@dataclass
class LabReport:
    lab: Lab
    results: list[Result] = field(default_factory=list)
    error: str = ""             # a bad-input verdict (static check...)
    stage: str = "model"

    @property
    def score(self) -> int:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> int:
        return sum(r.max_score for r in self.results)
