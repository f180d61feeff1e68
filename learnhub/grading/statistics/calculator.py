"""Moodle's quiz statistics, as plain arithmetic over numbers (no database, no Flask).

The definitions are those of Moodle's quiz statistics report (mod/quiz/report/statistics
calculator and core_question's statistics calculator; docs.moodle.org/dev/Quiz_statistics_calculations):

Test figures, over the s selected attempts' totals T:
- mean, median (the mean of the two middle totals when s is even);
- sd = sqrt(sum (T - mean)^2 / (s - 1)) when s > 1;
- with m_k = sum (T - mean)^k / s: k2 = s m2 / (s - 1), k3 = s^2 m3 / ((s - 1)(s - 2)),
  k4 = s^2 ((s + 1) m4 - 3 (s - 1) m2^2) / ((s - 1)(s - 2)(s - 3));
  skewness = k3 / k2^(3/2) when s > 2, kurtosis = k4 / k2^2 when s > 3 (both need k2 != 0);
- cic = 100 p / (p - 1) (1 - sum of the p questions' mark variances / k2) when s > 2, p > 1;
  error ratio = 100 sqrt(1 - cic / 100); standard error = error ratio x sd / 100.

Question figures, over the s attempts that had the question (marks x, the rest of the test
y = T - x):
- facility = mean of x / the question's maximum (here: the mean fraction), in %;
- sd = sqrt(sum (x - mean)^2 / (s - 1)) / maximum, in %;
- discrimination index = 100 cov(x, y) / sqrt(var x var y);
- discriminative efficiency = 100 cov(x, y) / cov_max(x, y), cov_max pairing the sorted x
  with the sorted y (the largest covariance those marks could have).

Figures that cannot be computed (too few attempts, zero variance) are None, never a division
by zero. Totals and marks may be in any unit (this package uses percent of each attempt's
maximum); every figure above is either a ratio or in that same unit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

EPSILON = 1e-12  # below this a variance is zero (floating-point noise of equal values)


@dataclass
class TestFigures:
    count: int
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    skewness: float | None = None
    kurtosis: float | None = None
    cic: float | None = None
    error_ratio: float | None = None
    standard_error: float | None = None


@dataclass
class QuestionFigures:
    count: int
    facility: float | None = None               # % (mean fraction)
    sd: float | None = None                     # % of the question's maximum
    discrimination_index: float | None = None   # %
    discriminative_efficiency: float | None = None  # %
    mark_variance: float | None = None          # in the marks' unit (for the cic)


def median(values: list[float]) -> float | None:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def test_figures(totals: list[float], positions: int, sum_of_mark_variance: float) -> TestFigures:
    """`positions`: p, the questions of a paper; `sum_of_mark_variance`: their variances' sum."""
    s = len(totals)
    figures = TestFigures(count=s)
    if not s:
        return figures
    mean = math.fsum(totals) / s
    figures.mean, figures.median = mean, median(totals)
    if s < 2:
        return figures
    power2 = math.fsum((t - mean) ** 2 for t in totals)
    power3 = math.fsum((t - mean) ** 3 for t in totals)
    power4 = math.fsum((t - mean) ** 4 for t in totals)
    figures.sd = math.sqrt(power2 / (s - 1))
    if s < 3:
        return figures
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    if k2 <= EPSILON:  # every total the same: no spread to describe
        return figures
    figures.skewness = k3 / k2 ** 1.5
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        figures.kurtosis = k4 / (k2 * k2)
    if positions > 1:
        figures.cic = 100 * positions / (positions - 1) * (1 - sum_of_mark_variance / k2)
        if figures.cic <= 100:  # above 100 Moodle's square root is NaN, stored as null
            figures.error_ratio = 100 * math.sqrt(1 - figures.cic / 100)
            figures.standard_error = figures.error_ratio * figures.sd / 100
    return figures


def weighted_question_figures(entries: list[tuple[float, float, float, int]]) -> QuestionFigures:
    """One question over the attempts that had it, from grouped rows: (fraction 0..1, mark in
    the totals' unit, rest of the test = total - mark, how many attempts had that combination;
    the database hands each distinct combination over once, counted)."""
    s = sum(w for _f, _x, _y, w in entries)
    figures = QuestionFigures(count=s)
    if not s:
        return figures
    total_f = math.fsum(f * w for f, _x, _y, w in entries)
    figures.facility = 100 * total_f / s
    if s < 2:
        return figures
    mean_f = total_f / s
    mean_x = math.fsum(x * w for _f, x, _y, w in entries) / s
    mean_y = math.fsum(y * w for _f, _x, y, w in entries) / s
    figures.sd = 100 * math.sqrt(math.fsum(w * (f - mean_f) ** 2 for f, _x, _y, w in entries) / (s - 1))
    var_x = math.fsum(w * (x - mean_x) ** 2 for _f, x, _y, w in entries) / (s - 1)
    var_y = math.fsum(w * (y - mean_y) ** 2 for _f, _x, y, w in entries) / (s - 1)
    covariance = math.fsum(w * (x - mean_x) * (y - mean_y) for _f, x, y, w in entries) / (s - 1)
    figures.mark_variance = var_x
    if var_x * var_y > EPSILON:
        figures.discrimination_index = 100 * covariance / math.sqrt(var_x * var_y)
    covariance_max = _sorted_pairing(sorted((x, w) for _f, x, _y, w in entries),
                                     sorted((y, w) for _f, _x, y, w in entries), mean_x, mean_y) / (s - 1)
    if abs(covariance_max) > EPSILON:
        figures.discriminative_efficiency = 100 * covariance / covariance_max
    return figures


def _sorted_pairing(xs: list[tuple[float, int]], ys: list[tuple[float, int]], mean_x: float, mean_y: float) -> float:
    """sum (x_(i) - mean x)(y_(i) - mean y) pairing the i-th smallest x with the i-th smallest y,
    over runs of equal values (value, count) in ascending order."""
    total, i, j = [], 0, 0
    left_x = xs[0][1] if xs else 0
    left_y = ys[0][1] if ys else 0
    while i < len(xs) and j < len(ys):
        run = min(left_x, left_y)
        total.append(run * (xs[i][0] - mean_x) * (ys[j][0] - mean_y))
        left_x -= run
        left_y -= run
        if not left_x:
            i += 1
            left_x = xs[i][1] if i < len(xs) else 0
        if not left_y:
            j += 1
            left_y = ys[j][1] if j < len(ys) else 0
    return math.fsum(total)


def weighted_variance(entries: list[tuple[float, int]]) -> float | None:
    """sum (v - mean)^2 / (n - 1) of values given as (value, count); None below two values."""
    n = sum(w for _v, w in entries)
    if n < 2:
        return None
    mean = math.fsum(v * w for v, w in entries) / n
    return math.fsum(w * (v - mean) ** 2 for v, w in entries) / (n - 1)


def bucket_counts(percents: list[float], buckets: int = 10) -> list[int]:
    """How many totals fall in each 10-point band of 0..100 (100 goes in the last band)."""
    counts = [0] * buckets
    width = 100 / buckets
    for value in percents:
        counts[min(buckets - 1, max(0, int(value // width)))] += 1
    return counts
