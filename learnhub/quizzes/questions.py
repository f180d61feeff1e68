"""The question model shared by the GIFT parser, the importers, grading and snapshots.

A parsed quiz file is a list of `Question`s. An attempt stores each question it drew as
`Question.to_dict()` (its snapshot), so later edits to the file never change its grade.
Texts are kept as written (`text_format` says how to render them): rendering to HTML
happens in one place, core.markdown, when a page or the API shows them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

QUESTION_TYPES = ("single", "multiple", "true_false", "short", "numerical", "matching",
                  "essay", "description")
TEXT_FORMATS = ("markdown", "html", "plain", "moodle")


@dataclass
class Choice:
    """An option of a single/multiple question, or an accepted answer of a short one."""

    text: str
    fraction: float = 0.0          # 1.0 = fully right, 0.5 = half, -1.0 = a penalty
    feedback: str | None = None


@dataclass
class NumericAnswer:
    """Right when low <= response <= high (value ± tolerance, or a range a..b).

    With low and high None it is Moodle's `~` catch-all: it matches any response that no
    other answer matches (GIFT gives it 0 credit and a feedback for a wrong answer).
    """

    low: float | None
    high: float | None
    fraction: float = 1.0
    feedback: str | None = None


@dataclass
class MatchPair:
    left: str                       # empty for a distractor on the right side
    right: str


@dataclass
class Question:
    type: str                       # one of QUESTION_TYPES
    text: str                       # the stem, escapes resolved; see `missing_word`
    line: int                       # line in the file where the question starts (for messages)
    title: str | None = None
    text_format: str = "moodle"     # one of TEXT_FORMATS
    category: str | None = None     # the $CATEGORY in force
    points: float = 1.0
    choices: list[Choice] = field(default_factory=list)          # single, multiple, short
    numeric: list[NumericAnswer] = field(default_factory=list)   # numerical
    pairs: list[MatchPair] = field(default_factory=list)         # matching
    true_false: bool | None = None                               # true_false: the right answer
    feedback_true: str | None = None    # shown when the member answered "true"
    feedback_false: str | None = None   # shown when the member answered "false"
    general_feedback: str | None = None
    missing_word: bool = False      # the answer block stood inside the text, at "_____"
    manual: bool = False            # graded by staff (essays, or configured for review)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Question:
        data = dict(data)
        data["choices"] = [Choice(**c) for c in data.get("choices", [])]
        data["numeric"] = [NumericAnswer(**n) for n in data.get("numeric", [])]
        data["pairs"] = [MatchPair(**p) for p in data.get("pairs", [])]
        return cls(**data)


class QuizFormatError(ValueError):
    """Problems found in a question file; each is (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {message}" for line, message in problems))
