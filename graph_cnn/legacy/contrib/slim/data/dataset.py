"""``slim.dataset``: ``Dataset``, the description of a data set that a provider reads."""


class Dataset:
    """Where the records are (``data_sources``: files or glob patterns), the reader class for
    them, the decoder of one record, how many samples there are and what each item is. Further
    keyword arguments become attributes too (``num_classes``, ``labels_to_names`` ...)."""

    def __init__(self, data_sources, reader, decoder, num_samples, items_to_descriptions,
                 **kwargs):
        self.__dict__.update(kwargs, data_sources=data_sources, reader=reader, decoder=decoder,
                             num_samples=num_samples, items_to_descriptions=items_to_descriptions)
