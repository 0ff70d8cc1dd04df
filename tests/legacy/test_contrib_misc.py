"""TF1's deep ``tf.contrib.X.python...`` module paths and the smaller contrib families
(``opt``, ``keras``, ``framework.nest`` ...), checked against TF 1.15's behaviour."""

from conftest import run_cli

DEEP_PATHS = """\
import tensorflow as tf
from tensorflow.contrib.training import HParams
import tensorflow.contrib.training.python.training.hparam as hp
from tensorflow.contrib.training.python.training import evaluation
from tensorflow.contrib.framework.python.ops import arg_scope, add_arg_scope
import tensorflow.contrib.layers.python.layers.initializers as inits
from tensorflow.contrib.layers.python.layers import utils, layers as contrib_layers
from tensorflow.contrib.seq2seq.python.ops import decoder, helper
import tensorflow.contrib.seq2seq.python.ops.decoder as dec
from tensorflow.contrib.cudnn_rnn.python.ops import cudnn_rnn_ops
import tensorflow.contrib.rnn.python.ops.core_rnn_cell as crc
from tensorflow.contrib.slim import initializers as slim_inits
import tensorflow.contrib.slim.layers as slim_layers
import tensorflow.contrib.slim as slim
import tensorflow.contrib.framework.python.ops.arg_scope
from tensorflow.contrib.framework.python.ops.arg_scope import arg_scope as scope_function
x = tf.placeholder(tf.float32, [None, 4, 4, 3])
with arg_scope([contrib_layers.max_pool2d], kernel_size=2):
    pooled = slim_layers.max_pool2d(x)
utils.collect_named_outputs("outs", "pool", pooled)
print("pool", pooled.shape, sorted(utils.convert_collection_to_dict("outs")))
print("same", hp.HParams is HParams, dec.Decoder is decoder.Decoder, crc.LSTMCell is tf.nn.rnn_cell.LSTMCell,
      inits.xavier_initializer is tf.contrib.layers.python.layers.initializers.xavier_initializer,
      slim_inits is slim.initializers, evaluation.checkpoints_iterator is tf.train.checkpoints_iterator,
      cudnn_rnn_ops.CudnnLSTM is tf.contrib.cudnn_rnn.CudnnLSTM,
      helper.TrainingHelper is tf.contrib.seq2seq.TrainingHelper,
      arg_scope is scope_function is tf.contrib.framework.python.ops.arg_scope is slim.arg_scope)
try:
    import tensorflow.contrib.layers.python.layers.no_such_file
except ImportError as e:
    print("refused", type(e).__name__)
try:
    tf.contrib.training.python.no_such_folder
except AttributeError:
    print("no attribute")
"""


def test_deep_contrib_paths_import_and_resolve_as_attributes(tmp_path):
    # `import a.b.c as x` binds by attribute lookups along the path: this failed once
    # `from tensorflow.contrib.training import HParams` had imported the real module.
    script = tmp_path / "deep.py"
    script.write_text(DEEP_PATHS)
    result = run_cli("legacy", script)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "pool (?, 2, 2, 3) ['pool']" in lines
    assert "same True True True True True True True True True" in lines
    assert "refused ModuleNotFoundError" in lines and "no attribute" in lines


def test_coverage_counts_deep_paths_the_runner_serves_and_nothing_else():
    from graph_cnn.legacy import coverage
    from graph_cnn.legacy import tf as root

    for name in ("tf.contrib.framework.python.ops", "tf.contrib.layers.python.layers.utils",
                 "tf.contrib.layers.python.layers.initializers.xavier_initializer",
                 "tf.contrib.training.python.training.evaluation", "tf.contrib.slim.initializers",
                 "tf.contrib.seq2seq.python.ops.helper", "tf.contrib.cudnn_rnn.python.ops.cudnn_rnn_ops"):
        assert coverage.resolves(name, root), name
    for name in ("tf.contrib.layers.python.layers.no_such_file", "tf.contrib.framework.python.nope",
                 "tf.contrib.layers.python.layers.utils.no_such_name"):
        assert not coverage.resolves(name, root), name
