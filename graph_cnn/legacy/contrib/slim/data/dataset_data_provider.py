"""``slim.dataset_data_provider``: ``DatasetDataProvider``, a ``Dataset``'s records read by
``parallel_reader.parallel_read`` and decoded by its decoder; ``get(['image', 'label'])`` gives
the tensors of one sample (plus ``record_key``: the record's ``file:index`` key)."""

from graph_cnn.legacy.contrib.slim.data import data_provider, parallel_reader


class DatasetDataProvider(data_provider.DataProvider):
    """One sample of ``dataset`` at a time, read by ``num_readers`` readers through a common
    queue of ``common_queue_capacity`` (shuffled, keeping ``common_queue_min``, unless
    ``shuffle=False``: then one reader gives the files' order). ``num_epochs`` (None: forever)
    ends with ``OutOfRangeError`` and needs ``local_variables_initializer``."""

    def __init__(self, dataset, num_readers=1, reader_kwargs=None, shuffle=True, num_epochs=None,
                 common_queue_capacity=256, common_queue_min=128, record_key="record_key",
                 seed=None, scope=None):
        key, data = parallel_reader.parallel_read(
            dataset.data_sources, reader_class=dataset.reader, num_epochs=num_epochs,
            num_readers=num_readers, reader_kwargs=reader_kwargs, shuffle=shuffle,
            capacity=common_queue_capacity, min_after_dequeue=common_queue_min, seed=seed,
            scope=scope)
        items = dataset.decoder.list_items()
        items_to_tensors = dict(zip(items, dataset.decoder.decode(data, items)))
        if record_key in items_to_tensors:
            raise ValueError(f"The item name used for `record_key` cannot also be used for a "
                             f"dataset item: {record_key}")
        items_to_tensors[record_key] = key
        super().__init__(items_to_tensors=items_to_tensors, num_samples=dataset.num_samples)
