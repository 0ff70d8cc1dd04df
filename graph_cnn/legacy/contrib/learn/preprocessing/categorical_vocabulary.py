"""``CategoricalVocabulary``: words (or any categories) to ids 1..n, 0 for the unknown token, as
TF1's ``preprocessing/categorical_vocabulary.py`` kept them (same attributes, so vocabularies
pickled by TF1 restore under ``graph-cnn legacy``)."""

import collections


class CategoricalVocabulary:
    """Maps categories to ids in the order first seen; frozen, unseen ones map to 0."""

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        """Number of ids, the unknown token's included."""
        return len(self._mapping)

    def freeze(self, freeze=True):
        """Frozen, the vocabulary gives 0 for new categories instead of adding them."""
        self._freeze = freeze

    def get(self, category):
        """The id of ``category``, added first unless frozen (then 0)."""
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        """Counts ``category`` ``count`` more times (adding it unless frozen)."""
        if self.get(category) <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keeps the categories seen more than ``min_frequency`` times (and fewer than
        ``max_frequency`` when > 0), renumbered 1..n by falling count, ties alphabetically."""
        self._freq = sorted(sorted(self._freq.items(),
                                   key=lambda item: (isinstance(item[0], str), item[0])),
                            key=lambda item: item[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        idx = 1
        for category, count in self._freq:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = idx
            idx += 1
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(self._freq[:idx - 1])

    def reverse(self, class_id):
        """The category of id ``class_id``."""
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initalized with support_reverse to "
                             "support reverse() function.")
        return self._reverse_mapping[class_id]
