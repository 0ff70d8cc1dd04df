"""``graph-cnn legacy --diff``: does an old TF1 notebook (or script) still print what it printed?

The notebook runs under the TF1 layer (:func:`graph_cnn.legacy.notebook.run`, a fresh kernel per
run; a script: ``python -m graph_cnn.legacy SCRIPT``, a fresh process per run, against a saved
log given with ``--against``). Then every printed figure of the saved outputs is matched to the new
ones: cell by cell, line by line by the line's template (:mod:`graph_cnn.legacy.printed`), numbers
in order within a line. Each figure is judged with ``compare``'s rule (:func:`graph_cnn.stats.judge`):
reproduced when |mean - saved| <= 2 sqrt(sd^2 + p(1-p)/n), the binomial term only for an accuracy
over a known count. A figure that differs comes with the run-to-run spread and the TensorFlow
names its cell uses that the layer emulates rather than runs natively (``check``'s lookup), so
"TensorFlow's kernels changed" can be told from "the layer is wrong".

Only stdout, results and errors are compared (stderr, and TensorFlow's warnings on a kernel's
stdout, differ between TensorFlow versions by design). A plot is compared pixel by pixel with the
saved PNG in the same place when their shapes agree (resized when drawn at another dpi). Not
done: stderr, rich outputs other than text and PNG, and a script's lines matched to its code.
"""

import contextlib
import difflib
import importlib
import inspect
import io
import json
import math
import re
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from graph_cnn import fileio, stats
from graph_cnn.errors import GraphCnnError
from graph_cnn.legacy import printed

IMAGE_THRESHOLD = 0.02  # mean absolute pixel difference, as a share of full scale
ASPECT_TOLERANCE = 0.02  # images whose width/height agree this closely are compared resized
SIMILAR_TEMPLATES = 0.6  # two lines in the same place whose templates are this alike are paired
# The generators an old program may seed; NumPy's also orders input_data's batches.
_SEEDERS = {"TensorFlow": r"\b(?:set_random_seed|random\.set_seed)\s*\(|\bseed\s*=\s*\d",
            "NumPy": r"\b(?:np|numpy)\.random\.seed\s*\(",
            "Python's random": r"(?<![.\w])random\.seed\s*\("}
_PACKAGE = str(Path(__file__).resolve().parents[1])


@dataclass
class Block:
    """What one cell (or a whole script) printed: its lines, PNG images and error."""
    key: str
    lines: list
    images: list = field(default_factory=list)
    error: str = None
    source: str = ""


# ---------------------------------------------------------------- reading saved and new outputs

def _output_text(output):
    kind = output.get("output_type")
    if kind == "stream":
        return "".join(output.get("text", "")) if output.get("name") == "stdout" else ""
    if kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        if "image/png" in data:
            return ""  # the text of a plot is its repr (<Figure size ...>), not a result
        text = data.get("text/plain", "")
        return "".join(text) if isinstance(text, list) else text
    if kind == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    return ""


def notebook_blocks(nb, test_size=None):
    """One :class:`Block` per code cell, keyed by its number among all cells (1-based)."""
    blocks = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        text = "\n".join(_output_text(o) for o in outputs)
        images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
        error = next((_output_text(o) for o in outputs if o.get("output_type") == "error"), None)
        source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
        blocks.append(Block(f"cell {index + 1}", printed.read(text, test_size), images, error,
                            source))
    return blocks


def log_text(path):
    """A saved log's text; a comment block (every line ``#`` or ``>>>``-prefixed) is unwrapped."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise GraphCnnError(f"{path}: cannot read the saved run ({exc.strerror}); give the text "
                            f"the script printed then, e.g. a log or a README excerpt") from None
    lines = [line for line in text.splitlines() if line.strip()]
    for prefix in ("# ", "#", ">>> "):
        if lines and all(line.lstrip().startswith(prefix) for line in lines):
            return "\n".join(line.lstrip()[len(prefix):] for line in text.splitlines())
    return text


# ---------------------------------------------------------------- running

def _run_notebook(path, data_dir, test_size):
    """One run of the notebook in a fresh kernel, from a copy without its outputs (so a cell
    that never ran, after one that raised, shows nothing rather than its saved outputs); the
    copy sits beside it, for the paths the notebook opens, and is removed after."""
    import nbformat

    from graph_cnn.legacy import notebook

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    scratch = path.with_name(f".{path.stem}.graph-cnn-diff.ipynb")
    try:
        fileio.write_text(scratch, nbformat.writes(nb))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = notebook.run(scratch, data_dir=data_dir)
        executed = nbformat.read(str(notebook.executed_path(scratch)), as_version=4)
    finally:
        for leftover in (scratch, notebook.executed_path(scratch)):
            leftover.unlink(missing_ok=True)
    return notebook_blocks(executed, test_size), code, executed


def _run_script(path, args, data_dir, test_size):
    command = [sys.executable, "-m", "graph_cnn.legacy", str(path), *args]
    if data_dir:
        command[3:3] = ["--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    error = None
    if done.returncode:
        tail = [line for line in done.stderr.splitlines() if line.strip()]
        error = tail[-1] if tail else f"exit code {done.returncode}"
    return [Block("output", printed.read(done.stdout, test_size), error=error,
                  source=Path(path).read_text(encoding="utf-8", errors="replace"))], \
        done.returncode, None


# ---------------------------------------------------------------- matching

def _key(template):
    """What two lines must share to be the same line: the template's words and figure marks,
    punctuation and spacing aside (``Epoch: # cost = #`` is ``Epoch: #, cost: #``)."""
    return " ".join(re.findall(r"[^\W\d_]+\w*|#|<\w+>", template))


def align(saved, new):
    """``(pairs, only_new)``: for each saved line index the new line index it matches and
    whether their templates differ (in punctuation, or only alike); the new lines matched by
    none. Lines are matched in order by their templates' words; what is left in the same place
    on both sides is paired when its templates are alike and it has as many figures."""
    a, b = [_key(line.template) for line in saved], [_key(line.template) for line in new]
    pairs, used = {}, set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                pairs[i1 + k] = (j1 + k, saved[i1 + k].template != new[j1 + k].template)
                used.add(j1 + k)
        elif tag == "replace":
            for k in range(min(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                if (len(saved[i].figures) == len(new[j].figures)
                        and difflib.SequenceMatcher(None, a[i], b[j]).ratio() >= SIMILAR_TEMPLATES):
                    pairs[i] = (j, True)
                    used.add(j)
    return pairs, [j for j in range(len(new)) if j not in used]


def _judge(figure, values, texts, runs):
    """The row fields of one saved figure seen in ``values`` (one per run that printed it)."""
    row = {"saved": figure.text, "runs_seen": len(values), "runs": runs, "values": values}
    if not values:
        return row | {"verdict": "only in the saved run"}
    if all(t == figure.text for t in texts) and len(texts) == runs:
        mean, sd = figure.value, 0.0 if runs > 1 else None
        return row | {"mean": mean, "sd": sd, "difference": 0.0, "tolerance": 0.0,
                      "verdict": "same"}
    scale = figure.scale
    judged = stats.judge(figure.value / scale, [v / scale for v in values], figure.n)
    mean, sd, tolerance, ok = judged
    return row | {"mean": mean * scale, "sd": sd * scale if len(values) > 1 else None,
                  "difference": (mean - figure.value / scale) * scale,
                  "tolerance": tolerance * scale, "n": figure.n,
                  "verdict": "reproduced" if ok else "differs"}


def compare_blocks(saved_blocks, runs_blocks):
    """The figure rows, the lines only in the new run (of the first run), and what was left out."""
    rows, only_new, left_out = [], [], []
    runs = len(runs_blocks)
    for b, saved in enumerate(saved_blocks):
        matches = []
        for run in runs_blocks:
            new = run[b].lines if b < len(run) else []
            matches.append((align(saved.lines, new), new))
        for i, line in enumerate(saved.lines):
            left_out += [{"where": saved.key, "line": i + 1, "kind": kind, "text": text}
                         for kind, text in line.left_out]
            seen = [(new[pairs[i][0]], pairs[i][1]) for (pairs, _), new in matches if i in pairs]
            base = {"where": saved.key, "line": i + 1, "template": line.template,
                    "new_template": next((n.template for n, similar in seen if similar), None)}
            if not seen:
                rows.append(base | {"saved": line.text.strip(), "figures": len(line.figures),
                                    "verdict": "line only in the saved run"})
                continue
            for k, figure in enumerate(line.figures):
                values = [n.figures[k].value for n, _ in seen]
                texts = [n.figures[k].text for n, _ in seen]
                rows.append(base | {"figure": k + 1} | _judge(figure, values, texts, runs))
        if matches:
            (_, extra), new = matches[0]
            only_new += [{"where": saved.key, "line": j + 1, "text": new[j].text.strip()}
                         for j in extra]
    return rows, only_new, left_out


def compare_images(saved_blocks, new_blocks):
    """Each saved PNG against the new run's PNG in the same place: the mean absolute pixel
    difference (a share of full scale) when both have the same shape, the new one resized to
    the saved size first (today's matplotlib may draw at another dpi); else why not."""
    import base64

    import numpy as np
    from PIL import Image

    def image(data):
        return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")

    found = []
    for saved, new in zip(saved_blocks, new_blocks):
        for k, data in enumerate(saved.images):
            entry = {"where": saved.key, "image": k + 1}
            if k >= len(new.images):
                found.append(entry | {"verdict": "only in the saved run"})
                continue
            old_image, new_image = image(data), image(new.images[k])
            (w, h), (nw, nh) = old_image.size, new_image.size
            if (w, h) != (nw, nh):
                if abs(w / h - nw / nh) > ASPECT_TOLERANCE * w / h:
                    found.append(entry | {"verdict": "not compared", "why": (
                        f"shapes differ ({w}x{h} saved, {nw}x{nh} now)")})
                    continue
                entry["resized_from"] = f"{nw}x{nh}"
                new_image = new_image.resize((w, h), Image.Resampling.BOX)
            difference = float(np.abs(np.asarray(old_image, float)
                                      - np.asarray(new_image, float)).mean() / 255)
            found.append(entry | {"mean_abs_difference": difference,
                                  "verdict": "similar" if difference <= IMAGE_THRESHOLD
                                  else "differs"})
    return found


# ---------------------------------------------------------------- evidence

def _provided_by_graph_cnn(value):
    """Whether the layer's own code (not TensorFlow's) answers a call of ``value``."""
    if isinstance(value, types.ModuleType):
        return False
    wrapped = getattr(value, "__wrapped__", None)
    if wrapped is not None and not _provided_by_graph_cnn(wrapped):
        return False  # graph_cnn only reads the arguments as TF1 did; TensorFlow computes
    code = getattr(value, "__code__", None)
    if code is not None:
        return code.co_filename.startswith(_PACKAGE) and "legacy/runner" not in code.co_filename
    module = getattr(value, "__module__", None) or type(value).__module__
    if inspect.isclass(value):
        module = value.__module__
    # the runner's Session only turns on soft placement; TensorFlow runs the session
    return module.startswith("graph_cnn") and module != "graph_cnn.legacy.runner"


def _lookup(dotted):
    parts = dotted.split(".")
    value = importlib.import_module(parts[0])
    for i in range(1, len(parts)):
        try:
            value = getattr(value, parts[i])
        except Exception:  # noqa: BLE001  a name the layer lacks, or a lazy loader failing
            try:
                value = importlib.import_module(".".join(parts[:i + 1]))
            except ImportError:
                return None
        if not isinstance(value, types.ModuleType):
            return value
    return value


def _code(source):
    """A cell's Python, IPython magics and shell lines blanked; None when it does not parse."""
    import ast

    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def imports_of(sources):
    """The import statements of ``sources`` (a notebook's cells), so a cell can be read with the
    names earlier cells bound."""
    import ast

    statements = []
    for tree in filter(None, map(_code, sources)):
        statements += [ast.unparse(node) for node in tree.body
                       if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(statements)


def emulated_names(source, imports=""):
    """The TensorFlow names ``source`` uses (``imports`` binding its module names) that
    graph_cnn's layer emulates, its own code answering them, rather than TensorFlow's
    ``compat.v1`` running them natively."""
    from graph_cnn.legacy import check, runner

    tree = _code(imports + "\n" + source)
    if tree is None:
        return []
    runner.install(quiet=True)
    first = imports.count("\n") + 2  # the cell's own first line
    names = sorted({name for line, name in check.uses(tree) if line >= first})
    longest = [n for n in names if not any(m.startswith(n + ".") for m in names)]
    return ["tf" + n[len("tensorflow"):] for n in longest
            if _provided_by_graph_cnn(_lookup(n))]


def seeds_said(blocks):
    """Which random generators the program seeds, and so what varies between runs."""
    set_, unset = [], []
    for name, pattern in _SEEDERS.items():
        found = [(b, m) for b in blocks for m in re.finditer(pattern, b.source)]
        if not found:
            unset.append(name)
            continue
        block, match = found[0]
        where = (f"on line {block.source.count(chr(10), 0, match.start()) + 1}"
                 if block.key == "output" else f"in {block.key}")
        set_.append(f"{name}'s ({match.group(0).rstrip('(= ')} {where})")
    said = f"seeds set: {', '.join(set_)}" if set_ else "the program sets no seed"
    if unset:
        names = ", ".join(unset[:-1]) + " and " * (len(unset) > 1) + unset[-1]
        said += (f"; {names} unseeded: drawn fresh in every run (a fresh "
                 f"{'kernel' if blocks[0].key != 'output' else 'process'} each)")
    return said


# ---------------------------------------------------------------- the report

def _number(value, like="", extra=0):
    """``value`` with the decimals of the printed ``like`` (plus ``extra``)."""
    if value is None:
        return "-"
    if math.isnan(value):
        return "nan"
    decimals = len(like.rstrip("%").partition(".")[2]) if "." in like else 0
    if "e" in like.lower():
        return f"{value:.{max(decimals, 2) + extra}e}"
    return f"{value:.{decimals + extra}f}"


def _now(row):
    if row.get("mean") is None:
        return "-"
    if row["runs_seen"] < row["runs"]:
        return _now(row | {"runs": row["runs_seen"]}) + f" (in {row['runs_seen']} of {row['runs']} runs)"
    if row["verdict"] == "same":
        return row["saved"] + (f" (all {row['runs_seen']} runs)" if row["runs_seen"] > 1 else "")
    decimals = len(row["saved"].rstrip("%").partition(".")[2])
    extra = int(decimals < 4 and (row["runs_seen"] > 1 or row["mean"] != round(row["mean"])))
    mean = _number(row["mean"], row["saved"], extra)
    if row["runs_seen"] > 1:
        return f"{mean} ± {_number(row['sd'], row['saved'], extra)}"
    return f"{mean} (spread unknown)"


def summary_line(rows, only_new, left_out, images, failures):
    figures = [r for r in rows if "figure" in r]
    good = sum(r["verdict"] in ("same", "reproduced") for r in figures)
    differ = sum(r["verdict"] == "differs" for r in figures)
    missing = [r for r in rows if r["verdict"] == "line only in the saved run"]
    total = len(figures) + sum(r["figures"] for r in missing)
    parts = [f"{good} of {total} printed figures reproduced", f"{differ} differ"]
    if missing:
        lost = sum(r["figures"] for r in missing)
        parts.append(f"{len(missing)} line{'s' * (len(missing) != 1)} ({lost} figures) only "
                     f"in the saved run")
    if only_new:
        parts.append(f"{len(only_new)} line{'s' * (len(only_new) != 1)} only in the new run")
    if left_out:
        parts.append(f"{len(left_out)} timings, dates, addresses or counters left out")
    bad_images = sum(i["verdict"] == "differs" for i in images)
    if images:
        parts.append(f"{len(images)} images ({bad_images} differ)")
    if failures:
        parts.append(f"{len(failures)} run{'s' * (len(failures) != 1)} stopped with an error")
    return "; ".join(parts)


def _where(row):
    """``cell 4:2 #3``: the cell, its line (as read: blank lines dropped, an array's lines
    joined) and the figure's place in it; ``line 2 #3`` in a script's output."""
    figure = f" #{row['figure']}" if "figure" in row else ""
    if row["where"] == "output":
        return f"line {row['line']}{figure}"
    return f"{row['where']}:{row['line']}{figure}"


def _cut(text, width):
    return text if len(text) <= width else text[:width - 1] + "…"


def text_table(rows, limit=60):
    """The table printed on the terminal: every row, or beyond ``limit`` rows those that
    were not reproduced."""
    shown = [r for r in rows if r["verdict"] not in ("same", "reproduced")]
    if len(rows) <= limit:
        shown = rows
    header = f"{'where':14s} {'template':40s} {'saved':>12s}  {'now':24s} {'difference':>11s}"
    lines = [header + "  verdict"]
    for r in shown:
        difference = _number(r.get("difference"), r.get("saved", ""), int(r["verdict"] != "same"))
        lines.append(f"{_where(r):14s} {_cut(r['template'], 40):40s} "
                     f"{_cut(str(r.get('saved', '')), 12):>12s}  {_cut(_now(r), 24):24s} "
                     f"{difference:>11s}  {r['verdict']}")
    if len(shown) < len(rows):
        lines.append(f"({len(rows) - len(shown)} figures reproduced not shown; --markdown or "
                     f"--json lists every figure)")
    return lines


def markdown(report):
    out = [f"**{report['summary']}**", "", f"Runs: {report['runs']}; {report['seeds']}.", "",
           "| where | template | saved | now (mean ± sd) | difference | verdict |",
           "|---|---|---|---|---|---|"]
    for r in report["figures"]:
        template = r["template"].replace("|", "\\|")
        out.append(f"| {_where(r)} | `{template}` | {r.get('saved', '')} | "
                   f"{_now(r)} | {_number(r.get('difference'), r.get('saved', ''), 1)} | "
                   f"{r['verdict']} |")
    out += [""] + [f"- {line}" for line in _notes(report)]
    return "\n".join(out) + "\n"


def _notes(report):
    notes = []
    for e in report["evidence"]:
        names = ", ".join(e["emulated"]) or "none"
        where = "the script" if e["where"] == "output" else e["where"]
        notes.append(f"{where}: {e['differ']} figures or lines differ; names the layer emulates "
                     f"there: {names}" + (f"; in earlier cells: {', '.join(e['earlier'])}"
                                          if e.get("earlier") else ""))
    kinds = {}
    for item in report["left_out"]:
        kinds.setdefault(item["kind"], []).append(item["text"])
    for kind, texts in kinds.items():
        notes.append(f"left out: {len(texts)} × {kind} (e.g. '{texts[0]}'): {printed.WHY[kind]}")
    for line in report["only_in_new_run"][:20]:
        notes.append(f"only in the new run: {line['where']}: {line['text'][:100]}")
    for image in report["images"]:
        said = (f"mean absolute pixel difference {image['mean_abs_difference']:.4f} "
                f"(threshold {IMAGE_THRESHOLD})" if "mean_abs_difference" in image
                else image.get("why", ""))
        if "resized_from" in image:
            said += f", the new one resized from {image['resized_from']}"
        notes.append(f"image {image['image']} of {image['where']}: {image['verdict']} {said}")
    for failure in report["failures"]:
        notes.append(f"run {failure['run']} stopped: {failure['error']}")
    return notes


def _evidence(saved_blocks, rows):
    """For each cell with differing figures, the names the layer emulates there and earlier."""
    evidence, earlier = [], []
    imports = imports_of(block.source for block in saved_blocks)
    for block in saved_blocks:
        names = emulated_names(block.source, imports) if block.source.strip() else []
        differ = sum(r["verdict"] in ("differs", "line only in the saved run")
                     for r in rows if r["where"] == block.key)
        if differ:
            evidence.append({"where": block.key, "differ": differ, "emulated": names,
                             "earlier": [n for n in dict.fromkeys(earlier) if n not in names]})
        earlier += names
    return evidence


def _mark_notebook(nb, path, report):
    """The last run's notebook ``nb``, written beside ``path`` as the runner writes it, each
    cell with differing figures followed by a markdown cell naming them (and its metadata
    ``graph_cnn_diff`` holding the rows)."""
    import nbformat

    from graph_cnn.legacy import notebook

    out = notebook.executed_path(path)
    bad = {}
    for r in report["figures"]:
        if r["verdict"] in ("differs", "line only in the saved run"):
            bad.setdefault(r["where"], []).append(r)
    cells = []
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        rows = bad.get(f"cell {index + 1}")
        if cell.cell_type != "code" or not rows:
            continue
        cell.metadata["graph_cnn_diff"] = json.loads(json.dumps(rows, default=str))
        said = [f"- `{r['template']}`: saved {r.get('saved', '')}, now {_now(r)} ({r['verdict']})"
                for r in rows[:30]]
        cells.append(nbformat.v4.new_markdown_cell(
            "**graph-cnn legacy --diff**: in the cell above, " + f"{len(rows)} figures or lines "
            "differ from the saved run:\n\n" + "\n".join(said)))
    nb.cells = cells
    fileio.write_text(out, nbformat.writes(nb))
    return out


def diff(path, runs=1, against=None, args=(), data_dir=None, test_size=None):
    """Run ``path`` ``runs`` times and compare what it printed with its saved outputs (a
    notebook's own, or the log ``against`` for a script); returns the report as a dict."""
    import nbformat

    path = Path(path)
    if runs < 1:
        raise GraphCnnError(f"--runs {runs}: give 1 or more runs")
    if not path.is_file():
        raise GraphCnnError(f"{path}: no such file; give a TF1 notebook (.ipynb) or a script "
                            f"with --against LOG")
    is_notebook = path.suffix == ".ipynb"
    if is_notebook:
        if against:
            raise GraphCnnError("--against is for a script; a notebook's saved outputs are its own")
        try:
            saved = notebook_blocks(nbformat.read(str(path), as_version=4), test_size)
        except Exception as exc:  # noqa: BLE001  nbformat raises several kinds for a bad file
            raise GraphCnnError(f"{path}: not a readable Jupyter notebook ({exc})") from None
    else:
        if not against:
            raise GraphCnnError(f"{path}: a script keeps no outputs; give what it printed then "
                                f"with --against LOG.txt")
        saved = [Block("output", printed.read(log_text(against), test_size),
                       source=path.read_text(encoding="utf-8", errors="replace"))]
    if not any(block.lines for block in saved):
        raise GraphCnnError(f"{against or path}: no saved output to compare with (run the "
                            f"notebook and save it with its outputs first)")
    all_runs, failures = [], []
    for k in range(runs):
        print(f"graph-cnn legacy --diff: run {k + 1} of {runs} of {path.name}", file=sys.stderr)
        blocks, code, executed = (_run_notebook(path, data_dir, test_size) if is_notebook
                                  else _run_script(path, args, data_dir, test_size))
        all_runs.append(blocks)
        errors = [f"{b.key}: {b.error}" for b in blocks if b.error]
        if code or errors:
            failures.append({"run": k + 1, "error": errors[0] if errors else f"exit code {code}"})
    rows, only_new, left_out = compare_blocks(saved, all_runs)
    images = compare_images(saved, all_runs[-1]) if is_notebook else []
    report = {"source": str(path), "against": str(against) if against else None, "runs": runs,
              "seeds": seeds_said(saved), "figures": rows, "only_in_new_run": only_new,
              "left_out": left_out, "images": images, "failures": failures}
    report["evidence"] = _evidence(saved, rows)
    report["summary"] = summary_line(rows, only_new, left_out, images, failures)
    report["executed"] = str(_mark_notebook(executed, path, report)) if is_notebook else None
    return report


def differs(report):
    """Whether anything the saved run printed was not reproduced."""
    return bool(report["failures"]) or any(
        r["verdict"] in ("differs", "line only in the saved run") for r in report["figures"]) \
        or any(i["verdict"] == "differs" for i in report["images"])


def main(path, runs=1, against=None, args=(), data_dir=None, test_size=None, json_path=None,
         markdown_path=None):
    """``graph-cnn legacy --diff``: print the report, write it as asked; exit code 1 when
    something differs."""
    report = diff(path, runs, against, args, data_dir, test_size)
    lines = [report["summary"], f"runs: {runs}; {report['seeds']}", ""]
    lines += text_table(report["figures"]) + [""] + _notes(report)
    if report["executed"]:
        lines.append(f"wrote {report['executed']} (differing outputs marked)")
    if json_path:
        fileio.write_json(json_path, report)
        lines.append(f"wrote {json_path}")
    if markdown_path:
        fileio.write_text(markdown_path, markdown(report))
        lines.append(f"wrote {markdown_path}")
    print("\n".join(lines))
    return 1 if differs(report) else 0


def assert_reproduces(path, runs=1, against=None, args=(), data_dir=None, test_size=None):
    """For a test suite keeping old notebooks as regression tests: run ``path`` and raise
    AssertionError (the summary and each differing figure) unless it reproduces its saved run."""
    report = diff(path, runs, against, args, data_dir, test_size)
    if differs(report):
        bad = [f"{r['where']} `{r['template']}`: saved {r.get('saved')}, now {_now(r)}"
               for r in report["figures"] if r["verdict"] not in ("same", "reproduced")]
        raise AssertionError("\n".join([report["summary"], *bad, *(
            f"run {f['run']}: {f['error']}" for f in report["failures"])]))
    return report
