"""``slim.data_provider``: the base of slim's providers, a fixed map from item names to the
tensors of one sample."""

import abc


class DataProvider(abc.ABC):
    """Hands out the tensors of named items (``get``) and says how many samples there are."""

    def __init__(self, items_to_tensors, num_samples):
        self._items_to_tensors = items_to_tensors
        self._num_samples = num_samples

    def get(self, items):
        """The tensors of ``items`` (a list or tuple of names), in that order; an unknown name is
        a ``ValueError`` listing the valid ones."""
        if not isinstance(items, (list, tuple)):
            raise ValueError("items must be a list or tuple")  # noqa: TRY004  (TF1 raised ValueError)
        known = self.list_items()
        for item in items:
            if item not in known:
                raise ValueError(f"Item [{item}] is invalid. Valid entries include: {known}")
        return [self._items_to_tensors[item] for item in items]

    def list_items(self):
        """The item names this provider serves (TF gave the dict's keys view; this is a list)."""
        return list(self._items_to_tensors)

    def num_samples(self):
        return self._num_samples
