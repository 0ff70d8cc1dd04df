"""How much of TensorFlow 1.15's API the legacy layer serves, measured against TF 1.15's own list::

    python -m graph_cnn.legacy.coverage [--json] [--all]

Every name of ``api/tf1_15_names.txt`` (TF 1.15's public ``tf.*`` API) and of ``api/contrib_usage.tsv``
(the ``tf.contrib`` names TF1-era code used, with how many files used each) is looked up in
:mod:`graph_cnn.legacy.tf` as a program would: by attribute, or as ``graph-cnn legacy`` serves
``import tensorflow.a.b`` through the runner's aliases; a name counts as served when the lookup
returns without raising (the layer's "not provided" line is an ``AttributeError``). Reported: the
share of the core API (``tf.*`` less contrib, estimator, keras and raw_ops), of ``tf.estimator``, of
``tf.keras`` (today's Keras 3 through ``tf.compat.v1``) and ``tf.raw_ops``, each also weighted by use
where ``api/tf_usage.tsv`` has counts, and the use-weighted share of ``tf.contrib``, with the missing
names. Served means found, not checked to behave as TF 1.15 did.
"""

import argparse
import contextlib
import importlib
import io
import json
import sys
import types
import warnings
from pathlib import Path

from graph_cnn.errors import GraphCnnError

API = Path(__file__).with_name("api")
GROUPS = ("core", "estimator", "keras", "raw_ops")
USAGE_COLUMNS = ["name", "files", "occurrences", "repos", "in_1_15"]


def group_of(name):
    """The report group of a TF 1.15 name: ``estimator``, ``keras``, ``raw_ops``, ``contrib`` or
    ``core``."""
    part = name.split(".")[1] if name.count(".") else ""
    return part if part in ("estimator", "keras", "raw_ops", "contrib") else "core"


def _data_lines(path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise GraphCnnError(f"cannot read {path}: {e.strerror}; reinstall graph_cnn") from None
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def load_names():
    """TF 1.15's public ``tf.*`` names, as listed in ``api/tf1_15_names.txt``."""
    path = API / "tf1_15_names.txt"
    names = _data_lines(path)
    bad = [n for n in names if n != "tf" and not n.startswith("tf.") or " " in n]
    if bad or names != sorted(set(names)):
        raise GraphCnnError(f"{path} is corrupt (names must be tf.*, sorted, unique); reinstall graph_cnn")
    return names


def load_usage(filename):
    """Rows of a usage table (``contrib_usage.tsv``, ``tf_usage.tsv``): name, files, occurrences,
    repos, in_1_15 (True where the name existed in TF 1.15)."""
    path = API / filename
    lines = _data_lines(path)
    if not lines or lines[0].split("\t") != USAGE_COLUMNS:
        raise GraphCnnError(f"{path} has no header row {USAGE_COLUMNS}; reinstall graph_cnn")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != 5 or not all(c.isdigit() for c in cells[1:4]) or cells[4] not in ("yes", "no"):
            raise GraphCnnError(f"{path}: data row {number} is malformed: {line!r}; reinstall graph_cnn")
        rows.append((cells[0], int(cells[1]), int(cells[2]), int(cells[3]), cells[4] == "yes"))
    return rows


def resolves(name, root):
    """Whether ``tf.a.b.c`` is served: by attribute from ``root`` (importing a submodule of a
    package where an attribute is not yet set), or as ``graph-cnn legacy`` serves
    ``import tensorflow.a.b`` through the runner's aliases, then ``.c``."""
    return _walk(root, name.split(".")[1:]) or _through_alias(name)


def _walk(value, parts):
    for part in parts:
        try:
            value = getattr(value, part)
        except Exception:  # noqa: BLE001  (whatever a lookup raises, the name is not served)
            value = _submodule(value, part)
            if value is None:
                return False
    return True


def _through_alias(name):
    from graph_cnn.legacy import runner

    parts = name.split(".")[1:]
    for cut in range(len(parts), 0, -1):
        module = ".".join(["tensorflow", *parts[:cut]])
        alias = next((a for a in sorted(runner.ALIASES, key=len, reverse=True)
                      if module == a or module.startswith(a + ".")), None)
        if alias is None:
            continue
        flat = alias in runner.FLAT  # every module below answers with the target's own names
        target = runner.ALIASES[alias] + ("" if flat or module == alias else module[len(alias):])
        try:
            value = importlib.import_module(target)
        except Exception:  # noqa: BLE001, S112  (not a module: maybe a name in a shorter one)
            continue
        below = parts[len(alias.split(".")) - 1:]
        return _walk(value, below[-1:] if flat else parts[cut:])
    return False


def _submodule(package, part):
    if not (isinstance(package, types.ModuleType) and hasattr(package, "__path__")):
        return None
    try:
        return importlib.import_module(f"{package.__name__}.{part}")
    except Exception:  # noqa: BLE001
        return None


def _share(served, total):
    return served / total if total else 1.0


def measure(root=None):
    """The coverage figures as a dict (what ``--json`` prints)."""
    if root is None:
        from graph_cnn.legacy import tf as root
    names = load_names()
    tf_usage = {row[0]: row[1] for row in load_usage("tf_usage.tsv") if row[4]}
    contrib = [row for row in load_usage("contrib_usage.tsv") if row[4]]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        served = {name: resolves(name, root) for name in names}
        contrib_served = {row[0]: resolves(row[0], root) for row in contrib}
    report = {"tf_1_15_names": len(names)}
    for group in GROUPS:
        members = [n for n in names if group_of(n) == group]
        missing = [n for n in members if not served[n]]
        weight = sum(tf_usage.get(n, 0) for n in members)
        weight_missing = sum(tf_usage.get(n, 0) for n in missing)
        report[group] = {
            "names": len(members), "served": len(members) - len(missing),
            "share": _share(len(members) - len(missing), len(members)),
            "usage_weighted_share": _share(weight - weight_missing, weight),
            "missing": sorted(missing, key=lambda n: (-tf_usage.get(n, 0), n))}
    for label, rows in (("contrib", contrib),
                        ("contrib_learn", [r for r in contrib if r[0].startswith("tf.contrib.learn")])):
        weight = sum(r[1] for r in rows)
        missing = [r for r in rows if not contrib_served[r[0]]]
        served_weight = weight - sum(r[1] for r in missing)
        to_95 = []  # the most used missing names that would lift the share to 95%
        for row in missing:
            if served_weight >= 0.95 * weight:
                break
            to_95.append(row[0])
            served_weight += row[1]
        report[label] = {
            "names": len(rows), "served": len(rows) - len(missing),
            "file_uses": weight, "usage_weighted_share": _share(weight - sum(r[1] for r in missing), weight),
            "missing": [r[0] for r in missing], "missing_files": {r[0]: r[1] for r in missing},
            "missing_to_95_percent": to_95}
    return report


def _print(report, show_all, out):
    def pct(x):
        return f"{100 * x:.1f}%"

    labels = {"core": "tf.* core (less contrib, estimator, keras, raw_ops)", "estimator": "tf.estimator",
              "keras": "tf.keras (today's Keras 3)", "raw_ops": "tf.raw_ops"}
    print(f"TF 1.15's public API: {report['tf_1_15_names']} tf.* names (graph_cnn/legacy/api/"
          f"tf1_15_names.txt); served by graph_cnn.legacy.tf:", file=out)
    for group in GROUPS:
        g = report[group]
        print(f"  {labels[group]:55} {g['served']:5}/{g['names']:<5} {pct(g['share']):>6}   "
              f"weighted by use {pct(g['usage_weighted_share']):>6}", file=out)
    for label, key in (("tf.contrib, weighted by use", "contrib"), ("  of which tf.contrib.learn", "contrib_learn")):
        g = report[key]
        print(f"  {label:55} {g['served']:5}/{g['names']:<5} names; {pct(g['usage_weighted_share'])} of "
              f"{g['file_uses']} file uses", file=out)
    for group in ("core", "estimator") + (("keras", "raw_ops") if show_all else ()):
        missing = report[group]["missing"]
        print(f"\nmissing {labels[group]} ({len(missing)}, most used first):", file=out)
        print("  " + (" ".join(missing) or "none"), file=out)
    contrib = report["contrib"]
    shown = contrib["missing"] if show_all else contrib["missing"][:60]
    print(f"\nmissing tf.contrib ({len(contrib['missing'])}, files using each; most used first; the first "
          f"{len(contrib['missing_to_95_percent'])} would make 95% of uses):", file=out)
    print("  " + (" ".join(f"{n}({contrib['missing_files'][n]})" for n in shown) or "none")
          + (" ..." if len(shown) < len(contrib["missing"]) else ""), file=out)
    if not show_all:
        print("\n(--all lists every missing name, keras and raw_ops too; --json gives all as JSON)", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m graph_cnn.legacy.coverage",
                                     description="share of TF 1.15's API that graph_cnn's legacy layer serves")
    parser.add_argument("--json", action="store_true", help="print the figures and missing names as JSON")
    parser.add_argument("--all", action="store_true", help="list every missing name")
    args = parser.parse_args(argv)
    try:
        report = measure()
    except GraphCnnError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        print()
    else:
        _print(report, args.all, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
