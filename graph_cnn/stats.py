"""The reproduction rule shared by ``graph-cnn compare`` and ``graph-cnn legacy --diff``.

A figure is reproduced when |mean - reported| <= 2 sqrt(sd^2 + p(1-p)/n): sd the spread over
runs, and p(1-p)/n the sampling error of an accuracy p measured on n examples (none when n is
unknown or the figure is not a proportion, e.g. a loss)."""

import math

import numpy as np


def mean_sd(values):
    """(mean, sd over runs) of ``values``; sd None for a single value, both None for none."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return None, None
    return float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else None


def judge(reported, values, n=None):
    """``(mean, sd, tolerance, reproduced)`` of ``values`` measured over runs against
    ``reported``; sd is 0 for a single run (its spread is unknown). None for no values."""
    mean, sd = mean_sd(values)
    if mean is None:
        return None
    sd = sd or 0.0
    binomial = reported * (1 - reported) / n if n and 0 <= reported <= 1 else 0.0
    tolerance = 2 * math.sqrt(sd ** 2 + binomial)
    return mean, sd, tolerance, abs(mean - reported) <= tolerance
