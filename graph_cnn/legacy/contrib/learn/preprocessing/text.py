"""``VocabularyProcessor`` and ``ByteProcessor``: documents to fixed-length rows of word (or
byte) ids, as TF1's ``preprocessing/text.py`` made them for its text classifiers.

Words are TF1's tokens (:data:`TOKENIZER_RE`: runs of capitals, capitalised words before another
capital, and runs of word characters, apostrophes and hyphens); rows are ``max_document_length``
int64 ids, 0-padded and cut. ``save``/``restore`` pickle the processor as TF1 did, with the same
attribute names, so a TF1-pickled vocabulary restores under ``graph-cnn legacy`` (unpickling
runs code: restore only files you trust, as with TF1).
"""

import pickle
import re

import numpy as np

from graph_cnn import fileio
from graph_cnn.legacy.contrib.learn.preprocessing.categorical_vocabulary import (
    CategoricalVocabulary,
)

TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator):
    """Yields the list of TF1 tokens of each string of ``iterator``."""
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class ByteProcessor:
    """Documents to ``max_document_length`` UTF-8 byte values, 0-padded."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        """Nothing to learn."""

    def fit_transform(self, x):
        """``transform(x)``."""
        return self.transform(x)

    def reverse(self, x):
        """Yields the text of each row of byte ids (trailing zeros dropped; '' if not UTF-8)."""
        for data in x:
            document = np.trim_zeros(np.asarray(data).astype(np.int8), trim="b").tobytes()
            try:
                yield document.decode("utf-8")
            except UnicodeDecodeError:
                yield ""

    def transform(self, x):
        """Yields each document's first ``max_document_length`` bytes as uint8, 0-padded."""
        for document in x:
            if isinstance(document, str):
                document = document.encode("utf-8")
            buff = np.frombuffer(memoryview(document)[:self.max_document_length], dtype=np.uint8)
            yield np.pad(buff, (0, self.max_document_length - len(buff)), "constant")


class VocabularyProcessor:
    """Maps documents to rows of word ids (``vocabulary_``, a ``CategoricalVocabulary``)."""

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None,
                 tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Learns the vocabulary of ``raw_documents`` (words seen more than ``min_frequency``
        times when that is > 0), then freezes it; returns self."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        """``fit`` then ``transform`` (a generator of rows); like TF1 it reads
        ``raw_documents`` twice, so pass a list, not a one-pass iterator."""
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yields each document's word ids, ``max_document_length`` int64, 0-padded."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = np.zeros(self.max_document_length, np.int64)
            for idx, token in enumerate(tokens):
                if idx >= self.max_document_length:
                    break
                word_ids[idx] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yields each row of ids as its words joined by spaces (``<UNK>`` for 0)."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        """Pickles the processor to ``filename`` (atomically)."""
        fileio.write_bytes(filename, pickle.dumps(self))

    @classmethod
    def restore(cls, filename):
        """The processor pickled in ``filename``."""
        with open(filename, "rb") as f:
            return pickle.loads(f.read())
