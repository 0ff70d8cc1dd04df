"""The diff: what each article reported against what its pipeline measures, over seeds.

A figure is "reproduced" when |mean - reported| <= 2 sqrt(sd^2 + p(1-p)/n), sd the spread over
seeds and n the examples the figure is measured on (ARTICLES.md's rule; losses have no binomial
term). Figures are read at the epoch or step the article names, else at the end of training.
"""

import math
from pathlib import Path

import numpy as np

N_EVAL = {"test_acc": 10000, "train_acc": 60000}


def value_at(result, metric, at=None):
    """A run's ``metric`` at epoch/step ``at`` (the end when None); None when it has none."""
    if at is None:
        return result["final"].get(metric)
    for record in result["records"]:
        if record.get("epoch", record.get("step")) == at:
            return record.get(metric)
    return None


def measured(results, metric, at=None):
    values = [v for v in (value_at(r, metric, at) for r in results) if v is not None]
    return np.array(values, dtype=float)


def verdict(reported, values, metric, n_examples=None):
    """(mean, sd, n, tolerance, verdict) for ``values`` measured over seeds."""
    if len(values) == 0:
        return None, None, 0, None, "not run"
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    n_eval = n_examples or N_EVAL.get(metric)
    binomial = reported * (1 - reported) / n_eval if n_eval and 0 <= reported <= 1 else 0.0
    tolerance = 2 * math.sqrt(sd ** 2 + binomial)
    word = "reproduced" if abs(mean - reported) <= tolerance else "not reproduced"
    return mean, sd, len(values), tolerance, word


def first_epoch_reaching(result, threshold, metric="test_acc"):
    """The first epoch (article numbering) whose ``metric`` reaches ``threshold``, or None."""
    return next((r["epoch"] for r in result["records"] if r.get(metric, -1) >= threshold), None)


def figure_rows(pipelines, results):
    rows = []
    for p in pipelines.values():
        runs = [r for r in results.get(p.id, []) if r["status"] == "ok"]
        diverged = len(results.get(p.id, [])) - len(runs)
        for f in p.figures:
            mean, sd, n, tol, word = verdict(f.reported, measured(runs, f.metric, f.at), f.metric)
            rows.append(dict(
                id=p.id, article=p.seed_article, what=f.what, metric=f.metric,
                at=f.at if f.at is not None else "end", reported=f.reported,
                measured_mean=mean, measured_sd=sd, n=n, diverged=diverged,
                difference=None if mean is None else mean - f.reported, tolerance=tol,
                verdict=word, cause=p.causes.get(f.what, "") if word == "not reproduced" else ""))
        if not p.figures:
            values = measured(runs, "test_acc")
            rows.append(dict(
                id=p.id, article=p.seed_article, what="final test accuracy (none reported)",
                metric="test_acc", at="end", reported=None,
                measured_mean=float(values.mean()) if len(values) else None,
                measured_sd=float(values.std(ddof=1)) if len(values) > 1 else None,
                n=len(values), diverged=diverged, difference=None, tolerance=None,
                verdict="no figure reported" if len(results.get(p.id, [])) else "not run",
                cause=p.causes.get("final test accuracy", "")))
    return rows


def claim_rows(pipelines, results):
    rows = []
    for p in pipelines.values():
        for claim in p.claims:
            try:
                evidence, holds = claim.check(results)
            except (KeyError, ValueError, TypeError, ZeroDivisionError, IndexError) as exc:
                evidence, holds = f"not measured ({type(exc).__name__}: {exc})", None
            rows.append(dict(id=p.id, article=p.seed_article, claim=claim.text,
                             evidence=evidence, holds=holds))
    return rows


def _fmt(value, digits=4):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def provenance_lines(results, folder, budget):
    """A Markdown preamble naming what the measured figures come from."""
    runs = [r for rs in results.values() for r in rs]
    if not runs:
        return [f"No {budget}-budget runs found in `{folder}`.", ""]
    commits = sorted({r["provenance"]["commit"] for r in runs})
    tf_versions = sorted({r["provenance"]["versions"]["tensorflow"] for r in runs})
    machines = sorted({f"{r['provenance']['machine']['processor']} x"
                       f"{r['provenance']['machine']['cpus']}" for r in runs})
    seconds = sum(r["provenance"]["seconds"] for r in runs)
    return [f"Measured: {len(runs)} {budget}-budget runs from `{Path(folder).name}/` "
            f"(each run's seed, budget, commit, versions and seconds are in its "
            f"`result.json`); commits {', '.join(c[:12] for c in commits)}; TensorFlow "
            f"{', '.join(tf_versions)}; machines {', '.join(machines)}; "
            f"{seconds / 3600:.1f} CPU-hours of training in all.", ""]


def markdown(figures, claims, provenance_lines=()):
    """Both tables as Markdown."""
    out = ["| pipeline | article | figure | at | reported | measured (mean ± sd) | n | "
           "difference | verdict | cause of a miss |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in figures:
        measured_text = "-" if r["measured_mean"] is None else (
            f"{r['measured_mean']:.4f} ± {_fmt(r['measured_sd'])}")
        if r.get("diverged"):
            measured_text += f" ({r['diverged']} diverged)"
        out.append(f"| {r['id']} | {r['article']} | {r['what']} | {r['at']} | "
                   f"{_fmt(r['reported'])} | {measured_text} | {r['n']} | "
                   f"{_fmt(r['difference'])} | {r['verdict']} | {r['cause']} |")
    out += ["", "| pipeline | article | claim | measured evidence | holds |", "|---|---|---|---|---|"]
    for c in claims:
        holds = {True: "yes", False: "no", None: "not measured"}[c["holds"]]
        out.append(f"| {c['id']} | {c['article']} | {c['claim']} | {c['evidence']} | {holds} |")
    return "\n".join([*provenance_lines, *out]) + "\n"


def text_table(figures, claims):
    """The table for a terminal."""
    lines = [f"{'pipeline':22s} {'figure':34s} {'at':>4s} {'reported':>8s} {'measured':>16s} "
             f"{'n':>2s} {'diff':>8s}  verdict"]
    for r in figures:
        m = "-" if r["measured_mean"] is None else (
            f"{r['measured_mean']:.4f}±{_fmt(r['measured_sd'])}")
        lines.append(f"{r['id']:22s} {r['what'][:34]:34s} {str(r['at']):>4s} "
                     f"{_fmt(r['reported']):>8s} {m:>16s} {r['n']:>2d} "
                     f"{_fmt(r['difference']):>8s}  {r['verdict']}"
                     + (f" ({r['cause']})" if r["cause"] else ""))
    lines.append("")
    for c in claims:
        holds = {True: "yes", False: "no", None: "not measured"}[c["holds"]]
        lines.append(f"{c['id']}: {c['claim']} -> {holds}: {c['evidence']}")
    return "\n".join(lines)
