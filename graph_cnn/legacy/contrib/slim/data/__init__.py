"""slim's data pipeline (TF 1.15's ``tensorflow/contrib/slim/python/slim/data``) on
``tf.compat.v1``'s queue runners: a ``Dataset`` names its files, reader and ``TFExampleDecoder``;
``DatasetDataProvider`` reads them through ``parallel_reader`` and hands out decoded items;
``prefetch_queue`` buffers batches. ``slim`` imports these modules as ``slim.dataset``,
``slim.tfexample_decoder`` ..., and ``graph-cnn legacy`` serves
``tensorflow.contrib.slim.python.slim.data.*`` as them.
"""
