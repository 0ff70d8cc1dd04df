"""Printed output read as figures, for ``graph-cnn legacy --diff``.

Each line becomes its template (its words with the numbers taken out, spacing normalised) and its
numbers in order; a NumPy array or list printed over several lines is read as one line, so its
elements compare one by one. What says when, where or how fast a program ran, rather than what it
computed, is recognised and left out: timings (durations, clock times, rates), dates, memory
addresses, temporary folders' names, and the counters of progress bars; so are TensorFlow's
warnings. NumPy 2's scalar reprs (``np.float32(0.5)``) are read as NumPy 1 printed them (``0.5``). A line is read as
a terminal shows it: colour codes dropped, ``\\r`` and backspaces applied.
"""

import re
from dataclasses import dataclass, field

NUMBER = r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
_FIGURE = re.compile(rf"(?<![\w.])(?:(?<![\w.)\]])-)?{NUMBER}(?![\w])%?|(?<![\w.])-?(?:nan|inf)\b",
                     re.IGNORECASE)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_UNIT = (r"ms|us|µs|ns|s|secs?|seconds?|mins?|minutes?|hours?|h")
_PROGRESS_BAR = re.compile(r"\[[=>.\s]*[=>][=>.\s]*\]|\d+%\||[█▏▎▍▌▋▊▉]")
# NumPy 2 prints a scalar in a list or dict as np.float32(0.5) where NumPy 1 printed 0.5.
_NUMPY_SCALAR = re.compile(r"\bnp\.(?:float|int|uint|complex)\d*\(([^()]*)\)|\bnp\.(?:True|False)_\b")
_LOG_RECORD = re.compile(r"WARNING:tensorflow:")
_COUNT = re.compile(r"\(\s*(\d+)\s*/\s*(\d+)\s*\)")

# (kind, pattern, why it is left out); the first pattern to claim a stretch of text wins.
LEFT_OUT = (
    ("temporary path", re.compile(r"(?:/tmp|/var/folders/[\w/]+|\\Temp)[/\\]tmp[\w-]+"),
     "a temporary folder's name: drawn anew in every run"),
    ("address", re.compile(r"\b0x[0-9a-fA-F]+\b"),
     "a memory address: where Python put an object, different in every run"),
    ("date", re.compile(r"\b\d{4}-\d\d-\d\d(?:[ T_-]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?)?\b"),
     "a date: when the program ran"),
    ("timing", re.compile(r"(?<![\w:.])\d+:\d\d(?::\d\d)?(?:\.\d+)?(?![\w:])"),
     "a clock time or duration: it depends on the machine and its load"),
    ("timing", re.compile(rf"(?<![\w.]){NUMBER}\s?(?:{_UNIT})(?:/\w+)?(?![\w])"),
     "a duration: it depends on the machine and its load"),
    ("timing", re.compile(rf"(?<![\w.]){NUMBER}\s?(?:it|examples?|samples?|steps?|images?|"
                          rf"batch(?:es)?|ex|global_step)/(?:s|sec|second)\b"),
     "a speed: it depends on the machine and its load"),
    ("timing", re.compile(rf"(?i)(?:\b(?:time|elapsed|took|duration|eta|speed)\b|/sec\b|/s\b)"
                          rf"[^\d\n]{{0,20}}?"
                          rf"({NUMBER})"),
     "a figure named as a time: it depends on the machine and its load"),
)
_COUNTERS = ("counter", re.compile(r"\b\d+/\d+\b|\d+%(?=\|)"),
             "a progress bar's counter: how far the loop was when the line was drawn")
WHY = {kind: why for kind, _, why in (*LEFT_OUT, _COUNTERS)}


@dataclass
class Figure:
    """One printed number: its text as printed, its value, and, for an accuracy over a known
    count, that count ``n`` and the ``scale`` of a proportion (1, 100 for a percentage, n for a
    count of correct answers)."""
    text: str
    value: float
    scale: float = 1.0
    n: int = None


@dataclass
class Line:
    template: str
    figures: list
    text: str
    left_out: list = field(default_factory=list)  # [(kind, text)]


def terminal_lines(text):
    """The non-blank lines a terminal would show for ``text``."""
    text = _ANSI.sub("", text)
    lines = []
    for raw in text.split("\n"):
        shown = raw.rstrip("\r").split("\r")[-1]
        if "\b" in shown:
            chars = []
            for char in shown:
                if char == "\b":
                    if chars:
                        chars.pop()
                else:
                    chars.append(char)
            shown = "".join(chars)
        if shown.strip():
            lines.append(shown.rstrip())
    return lines


def _depth(line):
    return line.count("[") + line.count("{") - line.count("]") - line.count("}")


def _joined_brackets(lines, limit=2000):
    """Lines with an array, list or dict printed over several lines joined into one."""
    joined, i = [], 0
    while i < len(lines):
        line, depth, j = lines[i], _depth(lines[i]), i
        while depth > 0 and j + 1 < len(lines) and j - i < limit:
            j += 1
            line += " " + lines[j].strip()
            depth += _depth(lines[j])
        joined.append(line)
        i = j + 1
    return joined


def _spans(text):
    """``[(start, end, kind)]`` of the stretches left out, in order."""
    taken = []
    patterns = list(LEFT_OUT) + ([_COUNTERS] if _PROGRESS_BAR.search(text) else [])
    for kind, pattern, _ in patterns:
        for match in pattern.finditer(text):
            start, end = match.span(1) if match.re.groups else match.span()
            if not any(s < end and start < e for s, e, _ in taken):
                taken.append((start, end, kind))
    return sorted(taken)


def _value(text):
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return float("nan")


def read_line(text):
    """The :class:`Line` of one printed line."""
    text = _NUMPY_SCALAR.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(0)[3:-1],
                             text)
    spans = _spans(text)
    pieces, figures, left_out, at = [], [], [], 0
    marks = [(s, e, f"<{kind}>") for s, e, kind in spans]
    for match in _FIGURE.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e, _ in spans):
            marks.append((match.start(), match.end(), None))
    for start, end, mark in sorted(marks):
        pieces.append(text[at:start])
        if mark is None:
            figures.append(Figure(text[start:end], _value(text[start:end])))
            pieces.append("#%" if text[start:end].endswith("%") else "#")
        else:
            left_out.append((mark[1:-1], text[start:end]))
            pieces.append(mark)
        at = end
    pieces.append(text[at:])
    template = re.sub(r"\s+", " ", "".join(pieces)).strip()
    template = re.sub(r"(?<=[\[(]) | (?=[\]),])", "", template)
    _mark_counts(text, figures)
    return Line(template, figures, text, left_out)


def _mark_counts(text, figures):
    """An accuracy printed with its count, ``98.7% (9870 / 10000)``: the figures that are that
    proportion get n = 10000 (so the binomial term of the rule applies)."""
    match = _COUNT.search(text)
    if not match:
        return
    right, total = int(match.group(1)), int(match.group(2))
    if not 0 < total or right > total:
        return
    share = right / total
    for figure in figures:
        if figure.text == match.group(1):
            figure.scale, figure.n = total, total
        elif figure.text.endswith("%") and abs(figure.value / 100 - share) < 0.006:
            figure.scale, figure.n = 100.0, total
        elif 0 <= figure.value <= 1 and abs(figure.value - share) < 0.006:
            figure.n = total


def mark_test_accuracy(line, n):
    """Accuracies printed without their count, on a line that names no training, batch or
    validation set, measured on the ``n`` examples of the test set."""
    words = line.template.lower()
    if "acc" not in words or any(w in words for w in ("train", "batch", "valid")):
        return
    for figure in line.figures:
        if figure.n is None and figure.text.endswith("%") and 0 <= figure.value <= 100:
            figure.scale, figure.n = 100.0, n
        elif figure.n is None and 0 <= figure.value <= 1 and "." in figure.text:
            figure.n = n


def without_tensorflow_logs(text):
    """``text`` without TensorFlow's warnings, which reach stdout in a notebook kernel and
    differ between TensorFlow versions by design: a ``WARNING:tensorflow:`` line and, for a
    deprecation, its "Instructions for updating:" text (to its first full stop, and a "See
    `...`" line after a blank). INFO records stay: an estimator's ``loss = 0.29, step = 101``
    is one of the program's figures."""
    lines, kept, i = text.split("\n"), [], 0
    while i < len(lines):
        if not _LOG_RECORD.match(lines[i]):
            kept.append(lines[i])
            i += 1
            continue
        i += 1
        if i < len(lines) and lines[i].strip() == "Instructions for updating:":
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            while i < len(lines) and lines[i].strip() and not lines[i].rstrip().endswith("."):
                i += 1
            i += 1
            if i + 1 < len(lines) and not lines[i].strip() and lines[i + 1].startswith("See `"):
                i += 2
    return "\n".join(kept)


def read(text, test_size=None):
    """The :class:`Line` s of printed ``text``."""
    text = without_tensorflow_logs(text)
    lines = [read_line(t) for t in _joined_brackets(terminal_lines(text))]
    if test_size:
        for line in lines:
            mark_test_accuracy(line, test_size)
    return lines
