"""``tensorflow.contrib.tensor_forest.python.tensor_forest``: TF 1.15's random forest graph
builder (``ForestHParams``, ``RandomForestGraphs``), re-implemented in NumPy behind
``tf.compat.v1.numpy_function`` ops. TF's C++ tensor_forest kernels are gone and are not used.

What it emulates. TF grew *extremely randomized trees online*, batch by batch: every leaf still
allowed to split ("fertile") draws ``num_splits_to_consider`` candidate tests ``x[f] <= t`` (a
random feature ``f``, and as threshold ``t`` the value of ``f`` in an example that reached the
leaf), counts the classes of the examples that reach it on each side of every candidate, and once
``split_after_samples`` examples have been counted it splits on the candidate with the lowest
weighted Gini impurity (class counts smoothed by one, as TF scored them). The two new leaves start
from that candidate's class counts and keep counting; a tree stops growing at ``max_nodes``
nodes. A leaf predicts its class frequencies and the forest the mean over its trees. This module
does the same, one ``session.run`` of ``training_graph`` = one batch seen by every tree.

Where it differs from TF: candidates are all drawn from the first batch that reaches a new leaf
(TF filled them over the first few examples); splits are decided by the count alone (no early
"dominate" test: ``dominate_method`` is accepted and not used); a pure leaf does not split but
re-draws its candidates; regression forests and sparse input are not provided.

State. The trees live in a Python object per ``RandomForestGraphs``, not in TF variables: they
survive a new ``Session`` on the same graph, ``tf.global_variables_initializer()`` does not reset
them, and a ``Saver`` checkpoint does not hold them (no checkpointing of forests). Tree ``i`` is
seeded with ``base_random_seed + i`` when that is set, else from the graph seed
(``tf.set_random_seed``) and the op seed, so a script with a graph seed repeats exactly; with
neither, as in TF, every run differs.
"""

import math
import threading

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1

LEAF_NODE = -1


class ForestHParams:
    """A forest's hyperparameters; ``fill()`` derives the ones left at 0, as TF 1.2 did:
    ``num_splits_to_consider = min(num_features, 1000)``, ``max_fertile_nodes =
    ceil(max_nodes / 2)``. ``num_classes`` and ``num_features`` must be given."""

    def __init__(self, num_trees=100, max_nodes=10000, bagging_fraction=1.0,
                 num_splits_to_consider=0, feature_bagging_fraction=1.0, max_fertile_nodes=0,
                 split_after_samples=250, min_split_samples=5, valid_leaf_threshold=1,
                 dominate_method="bootstrap", dominate_fraction=0.99, **kwargs):
        self.num_trees = num_trees
        self.max_nodes = max_nodes
        self.bagging_fraction = bagging_fraction
        self.feature_bagging_fraction = feature_bagging_fraction
        self.num_splits_to_consider = num_splits_to_consider
        self.max_fertile_nodes = max_fertile_nodes
        self.split_after_samples = split_after_samples
        self.min_split_samples = min_split_samples
        self.valid_leaf_threshold = valid_leaf_threshold
        self.dominate_method = dominate_method
        self.dominate_fraction = dominate_fraction
        for name, value in kwargs.items():
            setattr(self, name, value)

    def values(self):
        return self.__dict__

    def fill(self):
        """Sets every parameter not given from the others; returns ``self``."""
        for name in ("num_classes", "num_features"):
            if not hasattr(self, name):
                raise AttributeError(f"ForestHParams needs {name}: "
                                     f"ForestHParams(num_classes=..., num_features=...)")
        self.bagged_num_features = int(self.feature_bagging_fraction * self.num_features)
        self.bagged_features = None  # drawn per tree from the forest's seeded generator
        self.regression = getattr(self, "regression", False)
        self.num_outputs = self.num_classes if self.regression else 1
        self.num_output_columns = self.num_classes + 1
        self.num_splits_to_consider = (self.num_splits_to_consider
                                       or min(self.num_features, 1000))
        self.max_fertile_nodes = self.max_fertile_nodes or math.ceil(self.max_nodes / 2.0)
        self.split_initializations_per_input = getattr(
            self, "split_initializations_per_input",
            max(1, self.num_splits_to_consider // self.split_after_samples))
        self.base_random_seed = getattr(self, "base_random_seed", 0)
        return self


def _weighted_gini(counts):
    """Gini impurity times the example count, on counts smoothed by one (TF's split score)."""
    smoothed = counts + 1.0
    sums = smoothed.sum(-1)
    return sums - (smoothed * smoothed).sum(-1) / sums


class _Tree:
    """One extremely randomized tree grown online; nodes in flat arrays, children of node ``i``
    at ``left[i]`` and ``left[i] + 1`` (``left[i] == -1``: a leaf)."""

    def __init__(self, params, rng, features):
        self.params, self.rng, self.features = params, rng, features
        cap, classes = params.max_nodes, params.num_classes
        self.feature = np.zeros(cap, np.int64)
        self.threshold = np.zeros(cap, np.float32)
        self.left = np.full(cap, LEAF_NODE, np.int64)
        self.counts = np.zeros((cap, classes))
        self.n_nodes = 1
        self.full = cap < 3
        # Statistics of the fertile leaves, one slot each.
        k = params.num_splits_to_consider
        self.slot_of = np.full(cap, -1, np.int64)
        self.cand_feature = np.zeros((0, k), np.int64)
        self.cand_threshold = np.zeros((0, k), np.float32)
        self.cand_left = np.zeros((0, k, classes), np.int32)
        self.slot_total = np.zeros((0, classes), np.int32)
        self.slot_ready = np.zeros(0, bool)
        self.free_slots = []

    def route(self, x):
        """The leaf each row of ``x`` reaches."""
        node = np.zeros(len(x), np.int64)
        rows = np.nonzero(self.left[node] != LEAF_NODE)[0]
        while rows.size:
            at = node[rows]
            right = x[rows, self.feature[at]] > self.threshold[at]
            node[rows] = self.left[at] + right
            rows = rows[self.left[node[rows]] != LEAF_NODE]
        return node

    def path(self, x):
        """The node ids each row of ``x`` passes, root to leaf, as text ("0 2 5")."""
        node = np.zeros(len(x), np.int64)
        steps = [node.copy()]
        rows = np.nonzero(self.left[node] != LEAF_NODE)[0]
        while rows.size:
            at = node[rows]
            node[rows] = self.left[at] + (x[rows, self.feature[at]] > self.threshold[at])
            step = np.full(len(x), LEAF_NODE)
            step[rows] = node[rows]
            steps.append(step)
            rows = rows[self.left[node[rows]] != LEAF_NODE]
        visited = np.stack(steps, 1)
        return [" ".join(str(n) for n in row if n != LEAF_NODE) for row in visited]

    def predict(self, x):
        counts = self.counts[self.route(x)]
        total = counts.sum(1, keepdims=True)
        uniform = np.full_like(counts, 1.0 / counts.shape[1])
        return np.where(total > 0, counts / np.maximum(total, 1), uniform)

    def _new_slot(self):
        if not self.free_slots:
            have = len(self.slot_ready)
            grow = min(max(8, have), self.params.max_fertile_nodes - have)
            if grow <= 0:
                return -1  # TF's max_fertile_nodes: the leaf waits for a free slot
            k, classes = self.cand_feature.shape[1], self.counts.shape[1]
            self.cand_feature = np.concatenate([self.cand_feature, np.zeros((grow, k), np.int64)])
            self.cand_threshold = np.concatenate(
                [self.cand_threshold, np.zeros((grow, k), np.float32)])
            self.cand_left = np.concatenate(
                [self.cand_left, np.zeros((grow, k, classes), np.int32)])
            self.slot_total = np.concatenate(
                [self.slot_total, np.zeros((grow, classes), np.int32)])
            self.slot_ready = np.concatenate([self.slot_ready, np.zeros(grow, bool)])
            self.free_slots = list(range(have + grow - 1, have - 1, -1))
        return self.free_slots.pop()

    def _draw_candidates(self, slot, x, members):
        k = self.cand_feature.shape[1]
        if self.features is None:
            features = self.rng.integers(x.shape[1], size=k)
        else:
            features = self.features[self.rng.integers(len(self.features), size=k)]
        examples = members[self.rng.integers(len(members), size=k)]
        self.cand_feature[slot] = features
        self.cand_threshold[slot] = x[examples, features]
        self.cand_left[slot] = 0
        self.slot_total[slot] = 0
        self.slot_ready[slot] = True

    def _release(self, leaf):
        slot = self.slot_of[leaf]
        self.slot_of[leaf] = -1
        self.slot_ready[slot] = False
        self.free_slots.append(slot)

    def _split(self, leaf):
        slot = self.slot_of[leaf]
        total = self.slot_total[slot].astype(np.float64)
        left = self.cand_left[slot].astype(np.float64)
        right = total - left
        valid = (left.sum(1) > 0) & (right.sum(1) > 0)
        if np.count_nonzero(total) < 2 or not valid.any():
            self.slot_ready[slot] = False  # pure, or no candidate separates: draw new ones
            return
        if self.n_nodes + 2 > self.params.max_nodes:
            self.full = True
            return
        score = np.where(valid, _weighted_gini(left) + _weighted_gini(right), np.inf)
        best = int(np.argmin(score))
        child = self.n_nodes
        self.feature[leaf] = self.cand_feature[slot, best]
        self.threshold[leaf] = self.cand_threshold[slot, best]
        self.left[leaf] = child
        self.counts[child], self.counts[child + 1] = left[best], right[best]
        self.n_nodes += 2
        self._release(leaf)

    def train(self, x, y):
        leaves = self.route(x)
        classes = self.counts.shape[1]
        self.counts[:self.n_nodes] += np.bincount(
            leaves * classes + y, minlength=self.n_nodes * classes).reshape(-1, classes)
        if self.full:
            return
        reached, which = np.unique(leaves, return_inverse=True)
        for leaf in reached[self.slot_of[reached] < 0]:
            slot = self._new_slot()
            if slot < 0:
                break
            self.slot_of[leaf] = slot
        slots = self.slot_of[reached]
        order = np.argsort(which, kind="stable")
        starts = np.concatenate([[0], np.cumsum(np.bincount(which, minlength=len(reached)))])
        for j in np.nonzero(slots >= 0)[0]:
            if not self.slot_ready[slots[j]]:
                self._draw_candidates(slots[j], x, order[starts[j]:starts[j + 1]])
        rows = np.nonzero(slots[which] >= 0)[0]
        if rows.size == 0:
            return
        active = np.unique(which[rows])  # positions in `reached` of the fertile leaves
        compact = np.searchsorted(active, which[rows])
        active_slots = slots[active]
        k = self.cand_feature.shape[1]
        row_slots = active_slots[compact]
        goes_left = (x[rows[:, None], self.cand_feature[row_slots]]
                     <= self.cand_threshold[row_slots])
        flat = (compact[:, None] * k + np.arange(k)) * classes + y[rows][:, None]
        self.cand_left[active_slots] += np.bincount(
            flat[goes_left], minlength=len(active) * k * classes).reshape(-1, k, classes)
        self.slot_total[active_slots] += np.bincount(
            compact * classes + y[rows], minlength=len(active) * classes).reshape(-1, classes)
        ready = self.slot_total[active_slots].sum(1) >= self.params.split_after_samples
        for leaf in reached[active[ready]]:
            self._split(leaf)
            if self.full:
                self.cand_left = self.cand_left[:0]  # a full tree needs no split statistics
                break

    def average_impurity(self):
        counts = self.counts[:self.n_nodes][self.left[:self.n_nodes] == LEAF_NODE]
        total = counts.sum(1)
        counts, total = counts[total > 0], total[total > 0]
        if not len(total):
            return 0.0
        return float(np.mean(1.0 - ((counts / total[:, None]) ** 2).sum(1)))


class _Forest:
    """The trees of one ``RandomForestGraphs`` and the lock the graph's NumPy ops share."""

    def __init__(self, params, seeds):
        self.params = params
        self.lock = threading.Lock()
        self.samples_seen = 0
        self.trees = []
        self.bagging = []
        for seed in seeds:
            rng = np.random.default_rng(seed)
            features = None
            if params.feature_bagging_fraction < 1.0:
                features = np.sort(rng.choice(params.num_features, params.bagged_num_features,
                                              replace=False))
            self.trees.append(_Tree(params, rng, features))
            self.bagging.append(np.random.default_rng(rng.integers(2 ** 63)))

    def _check(self, x, y=None):
        if x.ndim != 2 or x.shape[1] != self.params.num_features:
            raise ValueError(f"tensor_forest: input has shape {x.shape}; the forest was built "
                             f"for [batch, {self.params.num_features}] (num_features)")
        if y is not None and len(y) and (y.min() < 0 or y.max() >= self.params.num_classes):
            raise ValueError(f"tensor_forest: labels must be class ids in "
                             f"[0, {self.params.num_classes}); got {y.min()}..{y.max()}")

    def train(self, x, y):
        y = y.reshape(-1).astype(np.int64)
        self._check(x, y)
        with self.lock:
            for tree, bagging in zip(self.trees, self.bagging):
                if self.params.bagging_fraction < 1.0:
                    keep = bagging.random(len(x)) < self.params.bagging_fraction
                    tree.train(x[keep], y[keep])
                else:
                    tree.train(x, y)
            self.samples_seen += len(x)
            return np.int64(self.samples_seen)

    def _per_tree(self, x):
        self._check(x)
        with self.lock:
            return np.stack([t.predict(x) for t in self.trees], 1)  # [batch, trees, classes]

    def predict(self, x):
        return self._per_tree(x).mean(1).astype(np.float32)

    def variance(self, x):
        every = self._per_tree(x)
        mean = every.mean(1)
        return np.maximum(0.0, (every * every).mean(1) - mean * mean).astype(np.float32)

    def paths(self, x):
        self._check(x)
        with self.lock:
            return np.array([t.path(x) for t in self.trees], dtype=object).T.astype(bytes)

    def average_size(self):
        with self.lock:
            return np.float32(np.mean([t.n_nodes for t in self.trees]))

    def average_impurity(self):
        with self.lock:
            return np.float32(np.mean([t.average_impurity() for t in self.trees]))


def _dense(input_data):
    if isinstance(input_data, tf.SparseTensor):
        raise NotImplementedError("tensor_forest on a SparseTensor is not provided by "
                                  "graph_cnn's TF1 layer; pass dense features")
    if isinstance(input_data, dict):
        columns = [tf.reshape(tf.cast(input_data[k], tf.float32), [tf.shape(input_data[k])[0], -1])
                   for k in sorted(input_data)]
        return tf.concat(columns, 1)
    return tf.cast(input_data, tf.float32)


class RandomForestGraphs:
    """Builds the graph ops of a random forest: ``training_graph`` (one batch seen by every
    tree), ``inference_graph`` (TF 1.4-1.15's tuple: class probabilities ``[batch,
    num_classes]``, the mean of the trees' leaf class frequencies; the tree paths; their
    variance over the trees), ``training_loss`` (TF's: minus the mean number of nodes per
    tree) and ``average_size`` / ``average_impurity``. See the module's docstring for the
    algorithm, its seeding and where the trees are kept."""

    def __init__(self, params, device_assigner=None, variables=None, tree_variables_class=None,
                 tree_graphs=None, training=True):
        if getattr(params, "regression", False):
            raise NotImplementedError("tensor_forest regression is not provided by graph_cnn's "
                                      "TF1 layer; only classification forests are")
        if not hasattr(params, "num_output_columns"):  # fill() not called yet
            params = params.fill()
        self.params = params
        v1.logging.info("Random forest (graph_cnn's NumPy tensor_forest) with params %s",
                        params.__dict__)
        if params.base_random_seed:
            seeds = [params.base_random_seed + i for i in range(params.num_trees)]
        else:
            graph_seed, op_seed = v1.get_seed(None)
            sequence = (np.random.SeedSequence() if graph_seed is None
                        else np.random.SeedSequence([graph_seed, op_seed]))
            seeds = sequence.spawn(params.num_trees)
        self._forest = _Forest(params, seeds)

    def _op(self, name, func, inputs, dtype, shape):
        value = v1.numpy_function(func, inputs, dtype, name=name)
        value.set_shape(shape)
        return value

    def training_graph(self, input_data, input_labels, data_spec=None, **tree_kwargs):
        """The op that shows one batch (``input_data`` [batch, num_features], ``input_labels``
        [batch] class ids) to every tree, growing them; run it once per batch."""
        labels = tf.reshape(tf.cast(input_labels, tf.int64), [-1])
        seen = self._op("forest_training", self._forest.train, [_dense(input_data), labels],
                        tf.int64, [])
        return tf.group(seen, name="train")

    def inference_graph(self, input_data, data_spec=None, **inference_args):
        """``(probabilities, tree_paths, variance)`` of the forest as trained so far, as TF 1.4
        to 1.15 returned them (TF 1.0-1.3 returned the probabilities alone): probabilities and
        variance ``[batch, num_classes]``; tree_paths ``[batch, num_trees]`` strings of the node
        ids each example passes (TF's were serialized ``TreePath`` protos). Each is its own op,
        computed only when fetched."""
        x = _dense(input_data)
        classes, trees = self.params.num_classes, self.params.num_trees
        probabilities = self._op("probabilities", self._forest.predict, [x], tf.float32,
                                 [None, classes])
        paths = self._op("tree_paths", self._forest.paths, [x], tf.string, [None, trees])
        variance = self._op("regression_variance", self._forest.variance, [x], tf.float32,
                            [None, classes])
        return probabilities, paths, variance

    def average_size(self):
        """The mean number of nodes per tree."""
        return self._op("average_size", self._forest.average_size, [], tf.float32, [])

    def training_loss(self, features, labels, data_spec=None, name="training_loss"):
        """TF's training "loss" of a forest: minus the mean number of nodes per tree (it falls
        as the trees grow and stops at ``-max_nodes``); ``features`` and ``labels`` are not
        used, as in TF. It reads the trees when it runs: in the same ``session.run`` as
        ``training_graph`` it may see them before or after that batch, as TF's could."""
        return tf.negative(self.average_size(), name=name)

    def validation_loss(self, features, labels):
        return tf.negative(self.average_size())

    def average_impurity(self):
        """The mean over trees of the mean Gini impurity of their leaves."""
        return self._op("average_impurity", self._forest.average_impurity, [], tf.float32, [])
