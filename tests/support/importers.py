"""What the importer tests share: the sample files and how to read a refusal's problems."""
from __future__ import annotations

import pytest

from learnhub.quizzes.questions import Question, QuizFormatError


def problems_of(parser, text: str) -> list[tuple[int, str]]:
    with pytest.raises(QuizFormatError) as caught:
        parser(text)
    return caught.value.problems


def assert_problems(parser, text: str, expected: list[tuple[int, str]]) -> None:
    """Exactly these problems, in this order; each message must contain its fragment."""
    found = problems_of(parser, text)
    assert [line for line, _ in found] == [line for line, _ in expected], found
    for (_, message), (_, fragment) in zip(found, expected, strict=True):
        assert fragment in message, (fragment, message)


def fractions(question: Question) -> list[float]:
    return [choice.fraction for choice in question.choices]

AIKEN_SAMPLE = """\
What is the highest organ of the Party?
A. The National Congress and the Central Committee it elects
B. The Central Military Commission
C) The Central Commission for Discipline Inspection
D) The Secretariat
ANSWER: A

How often is the National Party Congress held
under the Party Constitution?
A. Every year
B. Every three years
C. Every five years
ANSWER: C
"""


WJX_SAMPLE = """\
2024年党史学习教育知识测试
请在30分钟内完成。

一、单选题
1. 中国共产党的根本宗旨是（ ）[单选题]
A、全心全意为人民服务(正确答案)
B、实现共产主义
C、建设社会主义现代化强国
D、坚持党的领导
解析：见《中国共产党章程》总纲。

2、中国共产党的最高理想和最终目标是【单选题】*
A. 实现共产主义（正确答案）
B. 全面建成小康社会
C. 实现中华民族伟大复兴

二、多选题
3.党的纪律主要包括*[多选题]
A．政治纪律（正确答案）
B．组织纪律(正确答案)
C．休假纪律
D．群众纪律（正确答案）

三、判断题
4.中国共产党成立于1921年。[判断题]
A、对(正确答案)
B、错

四、填空题
5.党的最高领导机关，是党的全国代表大会和它所产生的____。[填空题]
答案：中央委员会|党中央；中共中央
解析：党章第十条。
"""
