"""``tf.contrib.tensorboard.plugins.projector``: the embedding projector's config, as TF1's word2vec
and MNIST-embedding tutorials wrote it::

    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = embedding_var.name
    embedding.metadata_path = "metadata.tsv"
    projector.visualize_embeddings(summary_writer, config)

The messages are TensorBoard's own (``tensorboard.plugins.projector.projector_config_pb2``), so
the ``projector_config.pbtxt`` written in the writer's logdir is what TensorBoard's projector
plugin reads.
"""

import os

from google.protobuf import text_format
from tensorboard.plugins.projector import metadata as _metadata
from tensorboard.plugins.projector.projector_config_pb2 import (  # noqa: F401
    EmbeddingInfo,
    ProjectorConfig,
    SpriteMetadata,
)

from graph_cnn import fileio

PROJECTOR_FILENAME = _metadata.PROJECTOR_FILENAME


def visualize_embeddings(summary_writer, config):
    """Writes ``config`` as ``projector_config.pbtxt`` in ``summary_writer``'s logdir (a
    ``tf.summary.FileWriter``, or the logdir itself)."""
    logdir = getattr(summary_writer, "get_logdir", lambda: summary_writer)()
    if logdir is None:
        raise ValueError("Summary writer must have a logdir")
    if not isinstance(config, ProjectorConfig):
        raise TypeError(f"config must be a projector.ProjectorConfig, got "
                        f"{type(config).__name__}")
    fileio.write_text(os.path.join(os.fspath(logdir), PROJECTOR_FILENAME),
                      text_format.MessageToString(config))
