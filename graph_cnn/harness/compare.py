"""The diff: what each article reported against what its pipeline measures, over seeds.

A figure is "reproduced" when |mean - reported| <= 2 sqrt(sd^2 + p(1-p)/n), sd the spread over
seeds and n the examples the figure is measured on (ARTICLES.md's rule, :mod:`graph_cnn.stats`;
losses have no binomial term). Figures are read at the epoch or step the article names, else at the end of training.
"""

import collections
import os
import sys
import textwrap
from pathlib import Path

import numpy as np

from graph_cnn import fileio, stats
from graph_cnn.errors import GraphCnnError
from graph_cnn.harness import results as results_lib
from graph_cnn.harness import runs as runs_lib

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
    """(mean, sd, n, tolerance, verdict) for ``values`` measured over seeds (:func:`stats.judge`)."""
    judged = stats.judge(reported, values, n_examples or N_EVAL.get(metric))
    if judged is None:
        return None, None, 0, None, "not run"
    mean, sd, tolerance, reproduced = judged
    return mean, sd, len(values), tolerance, "reproduced" if reproduced else "not reproduced"


def first_epoch_reaching(result, threshold, metric="test_acc"):
    """The first epoch (article numbering) whose ``metric`` reaches ``threshold``, or None."""
    return next((r["epoch"] for r in result["records"] if r.get(metric, -1) >= threshold), None)


ORIGINAL_FRAMEWORKS = ("keras", "pytorch")


def original_runs(results, pipeline_id):
    """(framework, runs) of the article's own framework run today, if any were recorded."""
    for framework in ORIGINAL_FRAMEWORKS:
        if results.get(f"{pipeline_id}@{framework}"):
            return framework, results[f"{pipeline_id}@{framework}"]
    return None, []


def _mean_sd(values):
    if not len(values):
        return None, None
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def figure_rows(pipelines, results):
    rows = []
    for p in pipelines.values():
        runs = [r for r in results.get(p.id, []) if r["status"] == "ok"]
        diverged = len(results.get(p.id, [])) - len(runs)
        framework, originals = original_runs(results, p.id)
        for f in p.figures:
            mean, sd, n, tol, word = verdict(f.reported, measured(runs, f.metric, f.at), f.metric)
            original = measured(originals, f.metric, f.at)
            o_mean, o_sd = _mean_sd(original)
            o_word = verdict(f.reported, original, f.metric)[4] if len(original) else ""
            rows.append(dict(
                id=p.id, article=p.seed_article, what=f.what, metric=f.metric,
                at=f.at if f.at is not None else "end", reported=f.reported,
                measured_mean=mean, measured_sd=sd, n=n, diverged=diverged,
                difference=None if mean is None else mean - f.reported, tolerance=tol,
                verdict=word, cause=p.causes.get(f.what, "") if word == "not reproduced" else "",
                expected_divergence=p.expected_divergence,
                original=framework, original_mean=o_mean, original_sd=o_sd, original_n=len(original),
                original_verdict=o_word))
        if not p.figures:
            values = measured(runs, "test_acc")
            rows.append(dict(
                id=p.id, article=p.seed_article, what="final test accuracy (none reported)",
                metric="test_acc", at="end", reported=None,
                measured_mean=float(values.mean()) if len(values) else None,
                measured_sd=float(values.std(ddof=1)) if len(values) > 1 else None,
                n=len(values), diverged=diverged, difference=None, tolerance=None,
                verdict="no figure reported" if len(results.get(p.id, [])) else "not run",
                cause=p.causes.get("final test accuracy", ""),
                expected_divergence=p.expected_divergence))
    return rows


def ablation_rows(main_pipelines, results, ablations=()):
    """Every recorded run set that is neither a main pipeline nor its original-framework twin
    (ablations, and experiments in the original framework), read at its parent pipeline's
    test-accuracy figure epoch (else at the end); registered ``ablations`` ids without runs get a
    row too, with n = 0."""
    rows = []
    for rid in sorted(set(results) | set(ablations)):
        if rid.split("@")[0] in main_pipelines:
            continue
        parent = max((pid for pid in main_pipelines if rid.startswith(pid)), key=len,
                     default=None)
        figure = next((f for f in main_pipelines[parent].figures if f.metric == "test_acc"),
                      None) if parent else None
        at = figure.at if figure else None
        ok = [r for r in results.get(rid, []) if r["status"] == "ok"]
        mean, sd = _mean_sd(measured(ok, "test_acc", at))
        end_mean, end_sd = _mean_sd(measured(ok, "test_acc"))
        rows.append(dict(id=rid, parent=parent, at=at if at is not None else "end",
                         reported=figure.reported if figure else None, measured_mean=mean,
                         measured_sd=sd, end_mean=end_mean, end_sd=end_sd,
                         epochs=len(ok[0]["records"]) if ok else None, n=len(ok),
                         diverged=len(results.get(rid, [])) - len(ok)))
    return rows


def rows(pipelines, results, ablations=()):
    """The three tables of the diff: ``(figures, claims, ablations)`` row lists; ``ablations``
    names registered ablation ids, shown as not run until they have runs."""
    return (figure_rows(pipelines, results), claim_rows(pipelines, results),
            ablation_rows(pipelines, results, ablations))


def to_json(figures, claims, ablations):
    """Every row as one JSON list (NumPy scalars as plain numbers and booleans)."""
    import json

    def plain(value):
        if isinstance(value, np.generic):
            return value.item()
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    return json.dumps(figures + claims + [dict(a, kind="ablation") for a in ablations],
                      indent=1, default=plain)


def claim_rows(pipelines, results):
    rows = []
    for p in pipelines.values():
        for claim in p.claims:
            try:
                evidence, holds = claim.check(results)
            except KeyError as exc:
                evidence, holds = f"no runs of {exc} yet", None
            except (ValueError, TypeError, ZeroDivisionError, IndexError) as exc:
                evidence, holds = f"cannot be judged yet ({type(exc).__name__}: {exc})", None
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
    commits = sorted({r["provenance"].get("commit", "?")[:12]
                      + ("+dirty" if r["provenance"].get("commit", "").endswith("+dirty") else "")
                      for r in runs})
    tf_versions = sorted({r["provenance"]["versions"].get("tensorflow", "-") for r in runs})
    machines = sorted({r["provenance"]["machine"].get("device") or
                       f"{r['provenance']['machine'].get('processor')} x"
                       f"{r['provenance']['machine'].get('cpus')}" for r in runs})
    seconds = sum(r["provenance"]["seconds"] for r in runs)
    return [f"Measured: {len(runs)} {budget}-budget runs from `{Path(folder).name}/` "
            f"(each run's seed, budget, commit, versions and seconds are in its "
            f"`result.json`); commits {', '.join(commits)}; TensorFlow "
            f"{', '.join(tf_versions)}; machines {', '.join(machines)}; "
            f"{seconds / 3600:.1f} hours of training in all.", ""]


def _pm(mean, sd):
    return "-" if mean is None else f"{mean:.4f} ± {_fmt(sd)}"


def markdown(figures, claims, ablations=(), provenance_lines=(), picture=None):
    """The tables as Markdown; ``picture``, a path relative to the Markdown file, embeds the
    diff's plot above them."""
    out = ["| pipeline | article | figure | at | reported | measured (mean ± sd) | n | "
           "difference | verdict | original today (mean ± sd, n) | cause of a miss |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    if picture:
        out[:0] = [f"![Reported against measured, per figure: the article's value, our seeds "
                   f"(dots), their mean and the verdict band, and the original framework "
                   f"today]({picture})", ""]
    for r in figures:
        measured_text = _pm(r["measured_mean"], r["measured_sd"])
        if r.get("diverged"):
            measured_text += f" ({r['diverged']} diverged)"
        original = "-" if not r.get("original") else (
            f"{r['original']}: {_pm(r['original_mean'], r['original_sd'])}, "
            f"n={r['original_n']}, {r['original_verdict']}")
        out.append(f"| {r['id']} | {r['article']} | {r['what']} | {r['at']} | "
                   f"{_fmt(r['reported'])} | {measured_text} | {r['n']} | "
                   f"{_fmt(r['difference'])} | {r['verdict']} | {original} | {r['cause']} |")
    if ablations:
        out += ["", "Ablations and experiments (test accuracy at the parent figure's epoch):", "",
                "| run set | parent | at | parent's reported | measured there (mean ± sd) | "
                "records | at the end | n |",
                "|---|---|---|---|---|---|---|---|"]
        for a in ablations:
            measured_text = _pm(a["measured_mean"], a["measured_sd"]) if a["n"] else "not run"
            out.append(f"| {a['id']} | {a['parent'] or '-'} | {a['at']} | {_fmt(a['reported'])} "
                       f"| {measured_text} | {_fmt(a['epochs'])} | "
                       f"{_pm(a['end_mean'], a['end_sd'])} | {a['n']} |")
    out += ["", "| pipeline | article | claim | measured evidence | holds |", "|---|---|---|---|---|"]
    for c in claims:
        holds = {True: "yes", False: "no", None: "not measured"}[c["holds"]]
        out.append(f"| {c['id']} | {c['article']} | {c['claim']} | {c['evidence']} | {holds} |")
    return "\n".join([*provenance_lines, *out]) + "\n"


WIDTH = 100  # a terminal's columns: the text table fits, long texts go below it as notes
_HOLDS = {True: "yes", False: "no", None: "not measured"}


def _wrapped(text, width, first="", rest="    "):
    """``text`` over lines of at most ``width`` columns (words are never cut)."""
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first]


def _diverged_note(row):
    seeds = f"{row['diverged']} seed(s) diverged and are left out of the mean"
    if row.get("expected_divergence"):
        return f"{seeds}, as the article leads one to expect: {row['expected_divergence']}"
    return seeds + " (each run's result.json has the step and the loss)"


def text_table(figures, claims, ablations=(), width=WIDTH):
    """The diff for a terminal: figures grouped by pipeline (the original framework run today
    on a line under ours), claims, ablations; every line at most ``width`` columns, causes and
    evidence below as numbered notes."""
    notes = []

    def mark(text):
        notes.append(text)
        return f"[{len(notes)}]"

    # the columns right of the label take 56 (verdict with a note mark included)
    label_width = min(max([len("pipeline / figure")] + [len(r["what"]) + 2 for r in figures]),
                      width - 56)

    def row_lines(label, indent, at, reported, mean, sd, n, verdict):
        measured_text = "-" if mean is None else f"{mean:.4f} ± {_fmt(sd)}"
        label_lines = _wrapped(label, label_width, " " * indent, " " * (indent + 2))
        first = (f"{label_lines[0]:{label_width}s} {at:>3s} {reported:>8s}  "
                 f"{measured_text:17s} {n:>2d}  {verdict}")
        return [first.rstrip()] + label_lines[1:]

    lines = [f"{'pipeline / figure':{label_width}s} {'at':>3s} {'reported':>8s}  "
             f"{'measured mean ± sd':17s} {'n':>2s}  verdict"]
    previous = None
    for r in figures:
        if r["id"] != previous:
            lines.append(f"{r['id']} (article {r['article']})")
            previous = r["id"]
        verdict = r["verdict"]
        if r["cause"]:
            verdict += " " + mark(f"{r['id']}, {r['what']}: {r['cause']}")
        if r.get("diverged"):
            verdict += " " + mark(f"{r['id']}: {_diverged_note(r)}")
        lines += row_lines(r["what"], 2, str(r["at"]), _fmt(r["reported"]),
                           r["measured_mean"], r["measured_sd"], r["n"], verdict)
        if r.get("original"):
            lines += row_lines(f"{r['original']} today", 4, "", "", r["original_mean"],
                               r["original_sd"], r["original_n"], r["original_verdict"])
    if claims:
        lines += ["", "Claims (the evidence is in the notes)"]
    holds = [f"{_HOLDS[c['holds']]} {mark(c['id'] + ': ' + c['evidence'])}" for c in claims]
    holds_width = max(map(len, holds), default=0)
    for c, verdict in zip(claims, holds):
        text = _wrapped(f"{c['id']}: {c['claim']}", width - holds_width - 1, "  ", "    ")
        lines.append(f"{text[0]:{width - holds_width - 1}s} {verdict:>{holds_width}s}")
        lines += text[1:]
    if ablations:
        id_width = max(len(a["id"]) for a in ablations) + 2
        lines += ["", "Ablations and experiments: test accuracy at the parent figure's epoch "
                      "(ids begin with the parent's)",
                  f"{'run set':{id_width}s} {'at':>4s}  {'measured there':17s} {'n':>2s}  "
                  f"at the end (records)"]
    for a in ablations:
        if not a["n"]:
            there, end = "-", "not run" + (f" ({a['diverged']} diverged)" if a["diverged"] else "")
        else:
            there = _pm(a["measured_mean"], a["measured_sd"])
            end = f"{_pm(a['end_mean'], a['end_sd'])} ({a['epochs']})"
        lines.append(f"{'  ' + a['id']:{id_width}s} {str(a['at']):>4s}  {there:17s} "
                     f"{a['n']:>2d}  {end}")
    if notes:
        lines += ["", "Notes"]
    for i, text in enumerate(notes, 1):
        lines += _wrapped(text, width, f"[{i}] ", "    ")
    return "\n".join(lines)


def committed_folder():
    """The checkout's committed full-budget results (``reproductions/results``); a one-line error
    outside a checkout, where they do not exist."""
    folder = runs_lib.committed_results()
    if folder is None:
        raise GraphCnnError("the committed full-budget results (reproductions/results) come with "
                            "a git checkout of graph_cnn, not with an installed package; "
                            "reproductions/RESULTS.md in the repository shows them")
    return folder


def read(folder, budget=None, strict=False):
    """``(results, budget, counts)``: the runs under ``folder`` of ``budget`` grouped by id;
    ``budget`` itself, by default the one the folder holds (full where it holds both); and how
    many runs of each budget the folder holds. Every result.json goes through the validating
    loader of :mod:`graph_cnn.harness.results` (``strict``: a bad one stops the command)."""
    everything = results_lib.load(folder, strict=strict)
    counts = collections.Counter(r["budget"] for rs in everything.values() for r in rs)
    budget = budget or ("quick" if counts["quick"] and not counts["full"] else "full")
    results = {rid: [r for r in rs if r["budget"] == budget] for rid, rs in everything.items()}
    return {rid: rs for rid, rs in results.items() if rs}, budget, counts


def headline(folder, budget, counts, committed=False):
    """What the diff below was read from: folder, budget and number of runs; for a quick budget,
    that its figures are smoke tests."""
    where = f"{folder}" + (" (the committed results)" if committed else "")
    if not sum(counts.values()):
        return (f"No runs in {where}: 'graph-cnn reproduce --all --budget quick' makes some, and "
                f"'graph-cnn compare --committed' shows the committed full-budget results.")
    def runs(n, budget):
        return f"{n} {budget}-budget run{'' if n == 1 else 's'}"

    text = f"Compared: {runs(counts[budget], budget)} read from {where}."
    others = [f"{runs(n, b)} (--budget {b})" for b, n in sorted(counts.items())
              if b != budget and n]
    if others:
        text += f" It also holds {', '.join(others)}."
    if budget == "quick":
        text += (" Quick budgets are smoke tests (seconds, on a slice of the data), not figures: "
                 "the verdicts below do not judge the articles.")
    return text


def report(pipelines, every_pipeline, folder, budget=None, as_json=False, markdown_path=None,
           plot_path=None, committed=False, strict=False, out=print):
    """``graph-cnn compare``: the headline and the diff of ``pipelines`` (with the ablations in
    ``every_pipeline``) against the runs in ``folder``, as text or JSON; optionally also as
    Markdown and as a picture (embedded in the Markdown when both are asked for)."""
    results, budget, counts = read(folder, budget, strict)
    committed = committed or (runs_lib.committed_results() is not None and
                              Path(folder).resolve() == runs_lib.committed_results().resolve())
    ablation_ids = [pid for pid in every_pipeline if pid not in pipelines]
    tables = rows(pipelines, results, ablation_ids)
    first = "\n".join(_wrapped(headline(folder, budget, counts, committed), WIDTH, "", ""))
    if plot_path:
        from graph_cnn.harness import diffplot
        diffplot.save(diffplot.draw(pipelines, results, title=(
            f"Reported against measured: {counts[budget]} {budget}-budget runs from "
            f"{Path(folder).name}/")), plot_path)
    if markdown_path:
        picture = (Path(os.path.relpath(Path(plot_path).resolve(),
                                        Path(markdown_path).resolve().parent)).as_posix()
                   if plot_path else None)
        fileio.write_text(markdown_path, markdown(
            *tables, provenance_lines(results, folder, budget), picture=picture))
    if as_json:
        print(first, file=sys.stderr)
        out(to_json(*tables))
    else:
        out(first + "\n\n" + text_table(*tables))
