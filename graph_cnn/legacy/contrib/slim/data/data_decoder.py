"""``slim.data_decoder``: the interface every slim decoder (``TFExampleDecoder`` ...) follows."""

import abc


class DataDecoder(abc.ABC):
    """Turns one serialized record into the tensors of the items asked for."""

    @abc.abstractmethod
    def decode(self, data, items):
        """The tensors of ``items`` (names from ``list_items``) decoded from ``data``, in order."""

    @abc.abstractmethod
    def list_items(self):
        """The names of the items this decoder can decode."""
