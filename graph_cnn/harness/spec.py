"""An article pipeline as data: model builder, data API, loss, optimizer, budgets, and the
article's figures and claims. A reproduction declares one :class:`Pipeline`;
:func:`graph_cnn.harness.graph.build_graph` turns it into a TF1 graph."""

import dataclasses
from typing import Callable, Optional

from graph_cnn.harness import losses

DATA_APIS = ("input_data", "fetch_mldata", "keras_load_data", "torchvision")


@dataclasses.dataclass(frozen=True)
class Figure:
    """A number the article reports. ``at`` is an epoch (as the article numbers it) or a step;
    ``metric`` names the record field (``test_acc``, ``train_acc``, ``train_loss``)."""
    what: str
    metric: str
    reported: float
    at: Optional[int] = None  # None: the end of training
    source: str = ""


@dataclasses.dataclass(frozen=True)
class Claim:
    """A qualitative statement of the article, checked by ``check(results) -> (evidence, bool)``,
    ``results`` mapping pipeline id to its list of per-seed run records."""
    text: str
    check: Callable


@dataclasses.dataclass(frozen=True)
class Article:
    """One of the tutorial articles reproduced, as the project names it (docs/articles.md tells
    each in full). ``key`` is the prefix of its text in the project's sources ("000" ... "004");
    ``short`` names it in every table and picture; an empty ``date`` or ``link`` is unknown."""
    key: str
    short: str
    title: str
    source: str
    date: str = ""
    link: str = ""


@dataclasses.dataclass(frozen=True)
class Reference:
    """The pipeline's model in another framework, for ``graph-cnn equivalence`` and ``bench``.

    ``equivalence``: the replay of our first steps, ``graph_cnn.verify.references.<name>_ref``
    ("keras", "torch", "tf1"; "" for none). ``layers`` and ``optimizer`` ((name, learning rate)):
    the model as a framework-neutral layer list, from which the bench builds its tf.keras and
    PyTorch twins (kinds: ``conv`` filters size activation [padding], ``maxpool``/``avgpool`` size
    stride, ``bn`` [epsilon], ``act`` name, ``dropout`` rate, ``flatten``, ``dense`` units
    activation). ``originals``: the frameworks in which the bench times the article's own code
    (``graph_cnn.verify.originals``) instead of the twin."""
    equivalence: str = ""
    layers: tuple = ()
    optimizer: tuple = ()
    originals: tuple = ()


@dataclasses.dataclass(frozen=True)
class Budget:
    epochs: Optional[int] = None
    steps: Optional[int] = None
    train_limit: Optional[int] = None  # use only the first N training examples (quick runs)
    test_limit: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Pipeline:
    id: str
    articles: tuple  # the Article(s) it reproduces
    title: str
    model: Callable
    input_shape: tuple
    data: str
    one_hot: bool
    loss: str
    optimizer: Callable
    batch_size: int
    full: Budget
    quick: Budget
    log_every: int = 1  # steps between logged records (step budgets)
    train_every: int = 1  # step budgets: train on every Nth batch only, the others drawn unused
    first_epoch: int = 1  # how the article numbers its first epoch (0 or 1)
    scale: str = "unit"  # "unit": x/255; "torch": (x/255 - 0.1307) / 0.3081
    augment: bool = False
    flip: bool = True
    training_flag: bool = False
    figures: tuple = ()
    claims: tuple = ()
    # figure.what -> checked cause; causes and notes may quote measured figures as templates,
    # "{IDS METRIC AT STAT}" (see graph_cnn.harness.compare.render), read from the results
    causes: dict = dataclasses.field(default_factory=dict)
    notes: tuple = ()
    expected_divergence: str = ""  # why the article's own account predicts a diverging run
    reference: Optional[Reference] = None  # the model elsewhere, for equivalence and bench

    def __post_init__(self):
        if self.data not in DATA_APIS:
            raise ValueError(f"{self.id}: data must be one of {DATA_APIS}, not {self.data!r}")
        if self.loss not in losses.LOSSES:
            raise ValueError(f"{self.id}: unknown loss {self.loss!r}")
        unknown = set(self.causes) - {f.what for f in self.figures} - {"final test accuracy"}
        if unknown:
            raise ValueError(f"{self.id}: causes for figures it does not report: {sorted(unknown)}")

    @property
    def article(self):
        """The short title(s) of the article(s) it reproduces, for tables and pictures."""
        return " + ".join(a.short for a in self.articles)

    @property
    def seed_article(self):
        """The articles' keys ("001+003"): the file names of their texts in the sources."""
        return "+".join(a.key for a in self.articles)

    def budget(self, name):
        if name not in ("quick", "full"):
            raise ValueError(f"budget must be 'quick' or 'full', not {name!r}")
        return self.full if name == "full" else self.quick


def listing(pipelines, main_pipelines):
    """``graph-cnn list``: the pipelines grouped under the article they reproduce, one line each
    (id, full budget, batch, figures, title); ablations marked."""
    order = {a: i for i, a in enumerate(dict.fromkeys(p.article for p in pipelines.values()))}
    width = max(map(len, pipelines), default=0) + 2
    lines, previous = [], None
    for pid, p in sorted(pipelines.items(), key=lambda item: order[item[1].article]):
        if p.article != previous:
            lines += ([""] if lines else []) + [f"{p.article}:"]
            previous = p.article
        budget = f"{p.full.epochs} epochs" if p.full.epochs else f"{p.full.steps} steps"
        figures = f"{len(p.figures)} figure{'' if len(p.figures) == 1 else 's'}"
        kind = "  [ablation]" if pid not in main_pipelines and "ablation" not in p.title else ""
        lines.append(f"  {pid:{width}s}{budget:>12s}  batch {p.batch_size:<4d} {figures:>10s}  "
                     f"{p.title}{kind}")
    return "\n".join(lines)
