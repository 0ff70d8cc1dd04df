"""``tf.contrib.learn.preprocessing``: ``VocabularyProcessor``, ``ByteProcessor``,
``CategoricalVocabulary`` and the ``tokenizer`` they share."""

from graph_cnn.legacy.contrib.learn.preprocessing.categorical_vocabulary import (  # noqa: F401
    CategoricalVocabulary,
)
from graph_cnn.legacy.contrib.learn.preprocessing.text import (  # noqa: F401
    TOKENIZER_RE,
    ByteProcessor,
    VocabularyProcessor,
    tokenizer,
)
