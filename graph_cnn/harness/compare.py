"""The diff: what each article reported against what its pipeline measures, over seeds.

A figure is "reproduced" when |mean - reported| <= 2 sqrt(sd^2 + p(1-p)/n), sd the spread over
seeds and n the examples the figure is measured on (ARTICLES.md's rule, :mod:`graph_cnn.stats`;
losses have no binomial term). Figures are read at the epoch or step the article names, else at
the end of training. Quick budgets are smoke tests: their figures are shown, never judged, and
claims wait for full runs. A single run has no spread: its sd is None, shown as the mean alone.
"""

import collections
import os
import re
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
    """(mean, sd, n, tolerance, verdict) for ``values`` measured over seeds
    (:func:`graph_cnn.stats.judge`; sd None for a single run)."""
    judged = stats.judge(reported, values, n_examples or N_EVAL.get(metric))
    if judged is None:
        return None, None, 0, None, "not run"
    mean, sd, tolerance, reproduced = judged
    return (mean, sd if len(values) > 1 else None, len(values), tolerance,
            "reproduced" if reproduced else "not reproduced")


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


_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_STATS = {"pm": lambda v: _pm(*stats.mean_sd(v)), "mean": lambda v: f"{v.mean():.4f}",
          "min": lambda v: f"{v.min():.4f}", "max": lambda v: f"{v.max():.4f}",
          "n": lambda v: str(len(v))}


def render(text, results):
    """``text`` with each ``{IDS METRIC AT STAT}`` replaced by that figure of ``results``: IDS
    one run set or several joined by "+", AT an epoch/step or "end", STAT ``pm`` (mean ± sd),
    ``mean``, ``min``, ``max`` or ``n`` (runs). So the numbers a cause quotes are the committed
    results' own, never typed."""
    def one(match):
        ids, metric, at, stat = match.group(1).split()
        runs = [r for rid in ids.split("+") for r in results.get(rid, []) if r["status"] == "ok"]
        values = measured(runs, metric, None if at == "end" else int(at))
        return _STATS[stat](values) if len(values) else f"(no runs of {ids})"

    return _TEMPLATE.sub(one, text)


QUICK_NOTE = "judged on full-budget runs only (quick runs are smoke tests)"


def _unjudged(runs, budget):
    """The verdict of a figure no run has a value for: not run, or ran and did not reach it."""
    if not runs:
        return "not run"
    return "not reached (quick)" if budget == "quick" else "not reached"


def figure_rows(pipelines, results, budget="full"):
    """One row per reported figure (one per figure-less pipeline, for its final test accuracy).
    On a quick budget, a figure reached is shown as ``reached (quick)``, never judged, and no
    cause is given (the causes were checked on full runs)."""
    rows = []
    for p in pipelines.values():
        every = results.get(p.id, [])
        runs = [r for r in every if r["status"] == "ok"]
        framework, originals = original_runs(results, p.id)
        common = dict(id=p.id, article=p.article, diverged=len(every) - len(runs),
                      expected_divergence=render(p.expected_divergence, results))
        for f in p.figures:
            mean, sd, n, tol, word = verdict(f.reported, measured(runs, f.metric, f.at), f.metric)
            if n == 0:
                word = _unjudged(every, budget)
            elif budget == "quick":
                word = "reached (quick)"
            original = measured(originals, f.metric, f.at)
            o_mean, o_sd = stats.mean_sd(original)
            o_word = verdict(f.reported, original, f.metric)[4] if len(original) else ""
            cause = p.causes.get(f.what, "") if word == "not reproduced" else ""
            rows.append(dict(
                common, what=f.what, metric=f.metric, at=f.at if f.at is not None else "end",
                reported=f.reported, measured_mean=mean, measured_sd=sd, n=n,
                difference=None if mean is None else mean - f.reported, tolerance=tol,
                verdict=word, cause=render(cause, results),
                original=framework, original_mean=o_mean, original_sd=o_sd,
                original_n=len(original), original_verdict=o_word))
        if not p.figures:
            values = measured(runs, "test_acc")
            mean, sd = stats.mean_sd(values)
            word = "no figure reported" if every else "not run"
            rows.append(dict(
                common, what="final test accuracy (none reported)", metric="test_acc", at="end",
                reported=None, measured_mean=mean, measured_sd=sd, n=len(values),
                difference=None, tolerance=None, verdict=word,
                cause="" if budget == "quick" else render(
                    p.causes.get("final test accuracy", ""), results)))
    return rows


def entries(pipelines, results, budget="full"):
    """The rows of :func:`figure_rows` that have values to draw, each with the values it
    summarises: ``seeds`` (ours, one per run that reached it) and ``original_seeds`` (the
    original framework's); what :mod:`graph_cnn.harness.diffplot` draws."""
    rows = iter(figure_rows(pipelines, results, budget))
    out = []
    for p in pipelines.values():
        ok = [r for r in results.get(p.id, []) if r["status"] == "ok"]
        _, originals = original_runs(results, p.id)
        for metric, at in [(f.metric, f.at) for f in p.figures] or [("test_acc", None)]:
            row = next(rows)
            out.append(dict(row, seeds=measured(ok, metric, at).tolist(),
                            original_seeds=measured(originals, metric, at).tolist()
                            if p.figures else []))
    return [e for e in out if e["seeds"] or e["original_seeds"]]


def verdict_line(figures, claims, budget="full"):
    """One line of verdicts, counted from the tables: how many reported figures were reproduced,
    how many not (and whether each miss has a checked cause), how many claims were answered. On
    a quick budget: what the smoke test ran and reached."""
    reported = [r for r in figures if r["reported"] is not None]
    ids = list(dict.fromkeys(r["id"] for r in figures))
    ran = [i for i in ids if any(r["id"] == i and r["verdict"] != "not run" for r in figures)]
    if budget == "quick":
        reached = sum(r["n"] > 0 for r in reported)
        return (f"Smoke test (quick budget): {len(ran)} of {len(ids)} pipelines ran; "
                f"{reached} of {len(reported)} reported figures reached, none judged: figures and "
                f"claims are judged on full-budget runs.")
    won = sum(r["verdict"] == "reproduced" for r in reported)
    missed = [r for r in reported if r["verdict"] == "not reproduced"]
    caused = sum(bool(r["cause"]) for r in missed)
    text = f"{won} of {len(reported)} reported figures reproduced, {len(missed)} not"
    if missed:
        text += (", each with a checked cause" if caused == len(missed) else
                 f", {caused} of them with a checked cause")
    others = collections.Counter(r["verdict"] for r in reported
                                 if r["verdict"] not in ("reproduced", "not reproduced"))
    text += "".join(f", {n} {word}" for word, n in sorted(others.items()))
    answered = [c for c in claims if c["holds"] is not None]
    holds = sum(bool(c["holds"]) for c in answered)
    count = f"{len(answered)}" if len(answered) == len(claims) else (
        f"{len(answered)} of {len(claims)}")
    return (f"{text}; {count} claims answered ({holds} hold, {len(answered) - holds} do "
            f"not).")


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
        mean, sd = stats.mean_sd(measured(ok, "test_acc", at))
        end_mean, end_sd = stats.mean_sd(measured(ok, "test_acc"))
        rows.append(dict(id=rid, parent=parent, at=at if at is not None else "end",
                         reported=figure.reported if figure else None, measured_mean=mean,
                         measured_sd=sd, end_mean=end_mean, end_sd=end_sd,
                         epochs=ok[0].get("records_logged", len(ok[0]["records"]))
                         if ok else None, n=len(ok),
                         diverged=len(results.get(rid, [])) - len(ok)))
    return rows


def rows(pipelines, results, ablations=(), budget="full"):
    """The three tables of the diff: ``(figures, claims, ablations)`` row lists; ``ablations``
    names registered ablation ids, shown as not run until they have runs."""
    return (figure_rows(pipelines, results, budget), claim_rows(pipelines, results, budget),
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


def claim_rows(pipelines, results, budget="full"):
    """One row per claim with its measured evidence and whether it holds (None: not answered;
    always on a quick budget)."""
    rows = []
    for p in pipelines.values():
        for claim in p.claims:
            if budget == "quick":
                rows.append(dict(id=p.id, article=p.article, claim=claim.text,
                                 evidence=QUICK_NOTE, holds=None))
                continue
            try:
                evidence, holds = claim.check(results)
            except KeyError as exc:
                evidence, holds = f"no runs of {exc} yet", None
            except (ValueError, TypeError, ZeroDivisionError, IndexError) as exc:
                evidence, holds = f"cannot be judged yet ({type(exc).__name__}: {exc})", None
            rows.append(dict(id=p.id, article=p.article, claim=claim.text,
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
    """``mean ± sd``; the mean alone for a single run (no spread), ``-`` for none."""
    if mean is None:
        return "-"
    return f"{mean:.4f}" if sd is None else f"{mean:.4f} ± {sd:.4f}"


def markdown(figures, claims, ablations=(), provenance_lines=(), picture=None, first_line="",
             articles=()):
    """The tables as Markdown, opened by ``first_line`` (the verdicts) and ``picture`` (a path
    relative to the Markdown file: the diff's plot), closed by the ``articles`` they answer."""
    head = [f"**{first_line}**", ""] if first_line else []
    if picture:
        head += [f"![Reported against measured, per figure in units of its tolerance: the "
                 f"article's value at 0, the verdict band, our seeds (dots) and their mean, and "
                 f"the original framework today]({picture})", ""]
    out = ["| pipeline | article | figure | at | reported | measured (mean ± sd) | n | "
           "difference | verdict | original today (mean ± sd, n) | cause of a miss |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
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
        holds = ("not judged (quick)" if c["evidence"] == QUICK_NOTE else
                 {True: "yes", False: "no", None: "not measured"}[c["holds"]])
        out.append(f"| {c['id']} | {c['article']} | {c['claim']} | {c['evidence']} | {holds} |")
    if articles:
        out += ["", "The articles (docs/articles.md in the repository says what each built and "
                    "reported):", ""]
    for a in articles:
        out.append(f"- **{a.short}**: {a.title}, by {a.source}. Date: {a.date or 'not given'}. "
                   f"Link: {a.link or 'not given'}.")
    return "\n".join([*head, *provenance_lines, *out]) + "\n"


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

    # the columns right of the label take 34, then the longest verdict with its note marks
    verdict_width = max([len(r["verdict"]) + 5 * (bool(r["cause"]) + bool(r.get("diverged")))
                         for r in figures] + [len("verdict")])
    label_width = min(max([len("pipeline / figure")] + [len(r["what"]) + 2 for r in figures]),
                      width - 34 - verdict_width)

    def row_lines(label, indent, at, reported, mean, sd, n, verdict):
        measured_text = _pm(mean, sd)
        label_lines = _wrapped(label, label_width, " " * indent, " " * (indent + 2))
        first = (f"{label_lines[0]:{label_width}s} {at:>3s} {reported:>8s}  "
                 f"{measured_text:15s} {n:>2d}  {verdict}")
        return [first.rstrip()] + label_lines[1:]

    lines = [f"{'pipeline / figure':{label_width}s} {'at':>3s} {'reported':>8s}  "
             f"{'measured (± sd)':15s} {'n':>2s}  verdict"]
    previous = None
    for r in figures:
        if r["id"] != previous:
            lines.append(f"{r['id']} ({r['article']})")
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
        quick = all(c["evidence"] == QUICK_NOTE for c in claims)
        lines += ["", f"Claims ({QUICK_NOTE if quick else 'the evidence is in the notes'})"]
    holds = ["not judged (quick)" if c["evidence"] == QUICK_NOTE else
             f"{_HOLDS[c['holds']]} {mark(c['id'] + ': ' + c['evidence'])}" for c in claims]
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
    """The committed full-budget results: the checkout's ``reproductions/results`` (their
    source), else their summary shipped with the package (:data:`results.COMMITTED_SUMMARY`);
    a one-line error where neither exists."""
    folder = runs_lib.committed_results()
    if folder is not None:
        return folder
    if results_lib.COMMITTED_SUMMARY.is_file():
        return results_lib.COMMITTED_SUMMARY
    raise GraphCnnError(f"the committed results are missing: neither a checkout's "
                        f"reproductions/results nor {results_lib.COMMITTED_SUMMARY}; reinstall "
                        f"graph_cnn")


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
        text += (" Quick budgets are smoke tests (seconds, on a slice of the data): their "
                 "figures are shown, not judged, and do not judge the articles.")
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
    tables = rows(pipelines, results, ablation_ids, budget)
    verdicts = verdict_line(tables[0], tables[1], budget) if sum(counts.values()) else ""
    first = "\n".join(_wrapped(headline(folder, budget, counts, committed), WIDTH, "", "")
                      + (["", *_wrapped(verdicts, WIDTH, "", "")] if verdicts else []))
    if plot_path:
        from graph_cnn.harness import diffplot
        drawn = entries(pipelines, results, budget)
        left_out = len(tables[0]) - len(drawn)
        diffplot.save(diffplot.draw(drawn, title=(
            f"Reported against measured: {counts[budget]} {budget}-budget runs from "
            f"{Path(folder).name}" + ("" if Path(folder).suffix else "/")
            + (f" (not drawn: {left_out} figure{'s' if left_out > 1 else ''} that no run "
               f"reached)"
               if left_out else ""))), plot_path)
    if markdown_path:
        picture = (Path(os.path.relpath(Path(plot_path).resolve(),
                                        Path(markdown_path).resolve().parent)).as_posix()
                   if plot_path else None)
        fileio.write_text(markdown_path, markdown(
            *tables, provenance_lines(results, folder, budget), picture=picture,
            first_line=verdicts,
            articles=list(dict.fromkeys(a for p in pipelines.values() for a in p.articles))))
    if as_json:
        print(first, file=sys.stderr)
        out(to_json(*tables))
    else:
        out(first + "\n\n" + text_table(*tables))
