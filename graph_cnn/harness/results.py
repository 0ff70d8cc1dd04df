"""Reading ``result.json`` files: one validating loader for every reader (compare, same-math,
the tools), so that a damaged or copied run folder is named in one line instead of crashing
or being counted twice.

The committed full-budget results (a checkout's ``reproductions/results``) are also summarised
into :data:`COMMITTED_SUMMARY`, shipped with the package so that ``graph-cnn compare
--committed`` works from an installed wheel: per run its id, budget, seed, status, final figures,
provenance and the records compare reads (long step logs thinned to at most MAX_RECORDS). The
result.json files stay the source; ``python -m graph_cnn.harness.results`` writes the summary
again, and a test keeps the two equal.
"""

import gzip
import json
import math
import sys
from numbers import Real
from pathlib import Path

from graph_cnn import fileio
from graph_cnn.errors import GraphCnnError

COMMITTED_SUMMARY = Path(__file__).with_name("committed_results.json.gz")
RECORD_FIELDS = ("epoch", "step", "test_acc", "train_acc", "train_loss", "images_per_sec")
MAX_RECORDS = 600  # per run: a 20,000-step log every 2 steps is thinned to every 17th record


class ResultError(GraphCnnError):
    """A ``result.json`` that cannot be used: unreadable, not JSON, or missing what readers need."""


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


# key -> (check, what it must be); the fields compare, claims and the tools read
_TOP = {
    "id": (lambda v: isinstance(v, str) and v != "", "a pipeline id (text)"),
    "budget": (lambda v: isinstance(v, str), "text"),
    "status": (lambda v: isinstance(v, str), "text"),
    "final": (lambda v: isinstance(v, dict) and all(
        x is None or _is_number(x) for x in v.values()), "an object of numbers"),
    "records": (lambda v: isinstance(v, list) and all(isinstance(r, dict) for r in v),
                "a list of objects"),
    "provenance": (lambda v: isinstance(v, dict), "an object"),
}
_PROVENANCE = {
    "seed": (_is_int, "an integer"),
    "seconds": (lambda v: _is_number(v) and math.isfinite(v), "a number"),
    "versions": (lambda v: isinstance(v, dict), "an object"),
    "machine": (lambda v: isinstance(v, dict), "an object"),
}


def validate(data, path="result.json"):
    """``data`` (a parsed result.json) if it holds every field readers use, with the right types;
    else ResultError naming ``path`` and the first problem."""
    if not isinstance(data, dict):
        raise _damaged(path, f"holds {json.dumps(data)[:20]}, not a JSON object")
    for fields, holder, prefix in ((_TOP, data, ""), (_PROVENANCE, data.get("provenance"),
                                                      "provenance.")):
        for key, (check, kind) in fields.items():
            if key not in holder:
                raise _damaged(path, f"has no '{prefix}{key}'")
            if not check(holder[key]):
                shown = json.dumps(holder[key])[:40]
                raise _damaged(path, f"'{prefix}{key}' is {shown}, not {kind}")
    seed = data["provenance"]["seed"]
    if "seed" in data and data["seed"] != seed:
        raise _damaged(path, f"'seed' {json.dumps(data['seed'])[:20]} disagrees with "
                             f"'provenance.seed' {seed}")
    for record in data["records"]:
        if not any(_is_int(record.get(k)) for k in ("epoch", "step")):
            raise _damaged(path, f"a record has no integer 'epoch' or 'step': "
                                 f"{json.dumps(record)[:40]}")
    data["seed"] = seed
    return data


def read(path):
    """One validated ``result.json`` as a dict; ResultError (one line, naming it) otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultError(f"{path}: missing; a run folder holds one, written by "
                          f"'graph-cnn reproduce ID'") from None
    except UnicodeDecodeError:
        raise _damaged(path, "is not UTF-8 text") from None
    except OSError as exc:
        raise ResultError(f"{path}: cannot be read ({exc.strerror}); check the file and its "
                          f"permissions") from None
    if not text.strip():
        raise _damaged(path, "is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _damaged(path, f"is not valid JSON (line {exc.lineno}: {exc.msg}; "
                             f"truncated?)") from None
    return validate(data, path)


def _damaged(path, what):
    return ResultError(f"{path}: {what}; the run is damaged: {rerun_hint(Path(path).parent)} "
                       f"or remove {Path(path).parent}")


def rerun_hint(run_dir):
    """What to do about a damaged run folder: the command that writes it again."""
    run_dir = Path(run_dir)
    budget, _, seed = run_dir.name.partition("-seed")
    pid = run_dir.parent.name
    if budget in ("quick", "full") and seed.isdigit() and "@" not in pid:
        return (f"re-run it with 'graph-cnn reproduce {pid} --budget {budget} --first-seed "
                f"{seed} --out {run_dir.parent.parent}'")
    return "re-run it with 'graph-cnn reproduce ID --out FOLDER'"


def _warn(message):
    print(f"graph-cnn: warning: {message}", file=sys.stderr)


def summarise(grouped):
    """The summary of runs grouped by id (as :func:`load` returns them): a list of runs, each
    with the fields compare reads; records keep RECORD_FIELDS, and a run that logged more than
    MAX_RECORDS keeps every k-th and its last (``records_logged`` says how many it logged)."""
    runs = []
    for rid in sorted(grouped):
        for r in sorted(grouped[rid], key=lambda r: (r["budget"], r["seed"])):
            records = r["records"]
            stride = -(-len(records) // MAX_RECORDS)
            kept = records[::stride] + (records[-1:] if (len(records) - 1) % stride else [])
            runs.append(dict(
                id=r["id"], budget=r["budget"], seed=r["seed"], status=r["status"],
                final=r["final"], provenance=r["provenance"], records_logged=len(records),
                records=[{k: v for k, v in rec.items() if k in RECORD_FIELDS} for rec in kept]))
    return runs


def summary_bytes(grouped):
    """The summary file's bytes: compact JSON, gzip-compressed without a timestamp, so the
    same results always give the same file."""
    text = json.dumps(summarise(grouped), sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), mtime=0)


def load_summary(path, budget_name=None):
    """The runs of a summary file (:func:`summary_bytes`), validated and grouped by id."""
    path = Path(path)
    try:
        runs = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultError(f"{path}: not a readable results summary ({exc}); write it again with "
                          f"'python -m graph_cnn.harness.results'") from None
    grouped = {}
    for run in runs if isinstance(runs, list) else [runs]:
        run = validate(run, path)
        if budget_name is None or run["budget"] == budget_name:
            grouped.setdefault(run["id"], []).append(run)
    return grouped


def load(out, budget_name=None, strict=False, warn=_warn):
    """Every valid ``result.json`` under ``out`` (``<out>/<id>/<run>/result.json``) of the
    budget asked for, as dicts grouped by pipeline id, one per (id, budget, seed); ``out`` may
    also be a results summary file (``*.json.gz``, :func:`summary_bytes`).

    A bad file, or a second run of a seed already read (a copied run folder), is reported
    through ``warn`` in one line and skipped; with ``strict`` it raises ResultError instead.
    A folder ``out`` that does not exist is an error.
    """
    out = Path(out)
    if out.is_file() and out.name.endswith(".json.gz"):
        return load_summary(out, budget_name)
    if not out.is_dir():
        what = "is not a folder" if out.exists() else "no such folder"
        raise GraphCnnError(f"{out}: {what}; give --results a runs folder written by "
                            f"'graph-cnn reproduce' (default ./runs), or --committed for the "
                            f"checkout's committed results")
    grouped, seen = {}, {}
    for path in sorted(out.glob("*/*/result.json"), key=_canonical_first):
        try:
            result = read(path)
        except ResultError as exc:
            if strict:
                raise
            warn(f"{exc} (skipped)")
            continue
        if budget_name is not None and result["budget"] != budget_name:
            continue
        key = (result["id"], result["budget"], result["seed"])
        if key in seen:
            message = (f"{path}: {result['id']} {result['budget']} seed {result['seed']} "
                       f"again, already read from {seen[key]}; counted once (remove the copy)")
            if strict:
                raise ResultError(message)
            warn(message)
            continue
        seen[key] = path
        grouped.setdefault(result["id"], []).append(result)
    return grouped


def _canonical_first(path):
    """Sort key: within a pipeline folder, runs named ``<budget>-seed<N>`` before others, so that
    a copy (``full-seed1-copy``) is the one reported, not the original."""
    run = path.parent.name
    budget, _, seed = run.partition("-seed")
    return (path.parent.parent.name, not (budget and seed.isdigit()), run)


def main(argv=None):
    """``python -m graph_cnn.harness.results [FOLDER [SUMMARY]]``: summarise the full-budget runs
    of FOLDER (default: the checkout's reproductions/results) into SUMMARY (default: the
    package's committed_results.json.gz)."""
    from graph_cnn.harness import runs as runs_lib

    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else runs_lib.committed_results()
    if folder is None:
        raise SystemExit("no reproductions/results here: name the results folder")
    target = Path(argv[1]) if len(argv) > 1 else COMMITTED_SUMMARY
    grouped = load(folder, "full", strict=True)
    fileio.write_bytes(target, summary_bytes(grouped))
    count = sum(map(len, grouped.values()))
    print(f"wrote {target}: {count} full-budget runs of {len(grouped)} run sets "
          f"({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
