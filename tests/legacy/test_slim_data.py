"""slim's data pipeline: TFRecord files of PNG images made by the test, read back through a slim
``Dataset``, ``TFExampleDecoder``, ``DatasetDataProvider``, ``tf.train.batch``, ``prefetch_queue``
and ``slim.queues``, the item handlers one by one, and a TF1 script that trains on such files
through ``graph-cnn legacy``."""

import re
import textwrap
import threading

import numpy as np
import pytest
from conftest import run_cli

from graph_cnn.legacy import tf
from graph_cnn.legacy.contrib import slim

N, SIDE, CLASSES = 20, 8, 5


def _session(graph=None):
    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=2)
    return tf.Session(graph=graph, config=config)


def _encode(images, fn):
    """``fn`` (tf.image.encode_png ...) applied to each image, in a throwaway graph."""
    with tf.Graph().as_default() as graph:
        image = tf.placeholder(tf.uint8, [SIDE, SIDE, 3])
        encoded = fn(image)
        with _session(graph) as sess:
            return [sess.run(encoded, {image: im}) for im in images]


def _bytes(*values):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=list(values)))


def _ints(*values):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=list(values)))


def _floats(*values):
    return tf.train.Feature(float_list=tf.train.FloatList(value=list(values)))


def _example(**features):
    return tf.train.Example(features=tf.train.Features(
        feature={k.replace("__", "/"): v for k, v in features.items()})).SerializeToString()


def write_records(folder, files=2):
    """``N`` 8x8 RGB images (PNG) with labels ``i % 5``, split in order over ``files`` TFRecord
    files ``train-<k>.tfrecord``: noise, and a bright column at the label (so a model can learn
    it). Returns the images and labels in file order."""
    rng = np.random.RandomState(0)
    labels = np.arange(N) % CLASSES
    images = rng.randint(0, 60, (N, SIDE, SIDE, 3)).astype(np.uint8)
    images[np.arange(N), :, labels] += 190
    pngs = _encode(images, tf.image.encode_png)
    per_file = N // files
    for k in range(files):
        with tf.io.TFRecordWriter(str(folder / f"train-{k}.tfrecord")) as writer:
            for i in range(k * per_file, (k + 1) * per_file):
                writer.write(_example(image__encoded=_bytes(pngs[i]), image__format=_bytes(b"png"),
                                      image__class__label=_ints(int(labels[i]))))
    return images, labels


KEYS_TO_FEATURES = {
    "image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
    "image/format": tf.FixedLenFeature((), tf.string, default_value="png"),
    "image/class/label": tf.FixedLenFeature([], tf.int64, default_value=-1),
}


def make_dataset(folder):
    decoder = slim.tfexample_decoder.TFExampleDecoder(KEYS_TO_FEATURES, {
        "image": slim.tfexample_decoder.Image(),
        "label": slim.tfexample_decoder.Tensor("image/class/label")})
    return slim.dataset.Dataset(str(folder / "train-*.tfrecord"), tf.TFRecordReader, decoder, N,
                                {"image": "an 8x8 colour image", "label": "0 to 4"},
                                num_classes=CLASSES, labels_to_names={0: "dark"})


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    images, labels = write_records(folder)
    return folder, images, labels


def _drain(sess, fetches):
    """Runs ``fetches`` until the input ends (``OutOfRangeError``); the results in order."""
    out = []
    with pytest.raises(tf.errors.OutOfRangeError):
        while True:
            out.append(sess.run(fetches))
    return out


def test_dataset_keeps_its_arguments_and_the_deeper_paths_are_the_same_modules(records):
    dataset = make_dataset(records[0])
    assert dataset.num_samples == N and dataset.reader is tf.TFRecordReader
    assert dataset.num_classes == CLASSES and dataset.labels_to_names == {0: "dark"}
    assert dataset.decoder.list_items() == ["image", "label"]
    assert slim.tfexample_decoder is slim.data.tfexample_decoder
    assert tf.contrib.slim.dataset_data_provider is slim.data.dataset_data_provider
    assert isinstance(slim.tfexample_decoder.TFExampleDecoder({}, {}),
                      slim.data_decoder.DataDecoder)


def test_provider_in_file_order_gives_what_was_written_then_ends(graph, records):
    folder, images, labels = records
    provider = slim.dataset_data_provider.DatasetDataProvider(
        make_dataset(folder), shuffle=False, num_epochs=1)
    assert provider.list_items() == ["image", "label", "record_key"]
    assert provider.num_samples() == N
    image, label, key = provider.get(["image", "label", "record_key"])
    assert image.dtype == tf.uint8 and image.shape.as_list() == [None, None, 3]
    assert label.dtype == tf.int64 and label.shape.as_list() == []
    assert key.dtype == tf.string and key.shape.ndims is None  # as TF 1.15's untyped queue gave
    image.set_shape([SIDE, SIDE, 3])
    key.set_shape([])
    batch = tf.train.batch([image, label, key], batch_size=5)
    assert batch[0].shape.as_list() == [5, SIDE, SIDE, 3]
    with _session() as sess:
        sess.run(tf.local_variables_initializer())  # num_epochs counts in a local variable
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        out = _drain(sess, batch)
        coord.request_stop()
        coord.join(threads)
    assert len(out) == N // 5
    np.testing.assert_array_equal(np.concatenate([o[0] for o in out]), images)
    np.testing.assert_array_equal(np.concatenate([o[1] for o in out]), labels)
    keys = [k.decode().rpartition(":") for o in out for k in o[2]]  # file:byte offset
    assert [file.rpartition("/")[2] for file, _, _ in keys] == ["train-0.tfrecord"] * 10 + [
        "train-1.tfrecord"] * 10
    assert keys[0][2] == "0" and int(keys[1][2]) > 0


def test_shuffled_provider_with_two_readers_gives_each_record_once(graph, records):
    folder, images, labels = records
    provider = slim.dataset_data_provider.DatasetDataProvider(
        make_dataset(folder), num_readers=2, num_epochs=1, common_queue_capacity=16,
        common_queue_min=4, seed=3)
    image, label = provider.get(["image", "label"])
    assert "parallel_read/common_queue" in [op.name for op in graph.get_operations()]
    assert graph.get_operation_by_name("parallel_read/common_queue").type == "RandomShuffleQueueV2"
    with _session() as sess:
        sess.run(tf.local_variables_initializer())
        with slim.queues.QueueRunners(sess):
            out = _drain(sess, [image, label])
    assert len(out) == N
    order = [int(np.flatnonzero((images == im).all(axis=(1, 2, 3)))[0]) for im, _ in out]
    assert sorted(order) == list(range(N)) and order != list(range(N))
    assert [lab for _, lab in out] == [labels[i] for i in order]


def test_prefetch_queue_and_queue_runners_context(graph, records):
    folder, images, labels = records
    provider = slim.dataset_data_provider.DatasetDataProvider(make_dataset(folder), shuffle=False)
    image, label = provider.get(["image", "label"])
    image.set_shape([SIDE, SIDE, 3])
    batch = tf.train.batch([image, label], batch_size=4)
    queue = slim.prefetch_queue.prefetch_queue(batch, capacity=2, num_threads=2)
    images_q, labels_q = queue.dequeue()
    assert images_q.shape.as_list() == [4, SIDE, SIDE, 3] and labels_q.dtype == tf.int64
    with tf.Graph().as_default():  # (its runner would take batches from the queue above)
        as_dict = slim.prefetch_queue.prefetch_queue(
            {"y": tf.constant([1, 2]), "x": tf.zeros([3, 2])}, dynamic_pad=True).dequeue()
        assert sorted(as_dict) == ["x", "y"] and as_dict["x"].shape.as_list() == [3, 2]
    runners = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
    assert len(runners[-1].enqueue_ops) == 2  # num_threads enqueue ops on one runner
    before = threading.active_count()
    with _session() as sess:
        with slim.queues.QueueRunners(sess):
            assert threading.active_count() > before + len(runners)  # each runner's threads run
            with pytest.raises(slim.queues.NestedQueueRunnerError), slim.queues.QueueRunners(sess):
                pass
            first, second = sess.run([images_q, labels_q]), sess.run([images_q, labels_q])
        assert threading.active_count() == before  # and were stopped and joined on leaving
    # one FIFO common queue, one reader: batches of records 0-3 and 4-7, which either of the
    # two prefetch threads may enqueue first
    first, second = sorted([first, second], key=lambda b: b[1].tolist() != labels[:4].tolist())
    np.testing.assert_array_equal(first[0], images[:4])
    np.testing.assert_array_equal(second[0], images[4:8])
    np.testing.assert_array_equal(second[1], labels[4:8])


def _decode_one(serialized, keys_to_features, handlers, items=None):
    decoder = slim.tfexample_decoder.TFExampleDecoder(keys_to_features, handlers)
    tensors = decoder.decode(tf.constant(serialized), items)
    with _session() as sess:
        sess.run(tf.tables_initializer())
        return tensors, sess.run(tensors)


def test_image_handler_decodes_raw_png_and_jpeg_by_the_format_feature(graph):
    rng = np.random.RandomState(1)
    image = np.repeat(np.linspace(0, 240, SIDE, dtype=np.uint8)[None, :, None], SIDE, 0)
    image = np.repeat(image, 3, 2) + rng.randint(0, 8, (SIDE, SIDE, 3)).astype(np.uint8)
    [png], [jpeg] = _encode([image], tf.image.encode_png), _encode(
        [image], lambda x: tf.image.encode_jpeg(x, quality=95))
    features = {"image/encoded": tf.FixedLenFeature((), tf.string),
                "image/format": tf.FixedLenFeature((), tf.string, default_value="jpeg")}
    raw = _example(image__encoded=_bytes(image.tobytes()), image__format=_bytes(b"RAW"))
    tensors, (decoded,) = _decode_one(raw, features, {
        "image": slim.tfexample_decoder.Image(shape=[SIDE, SIDE, 3])})
    assert tensors[0].shape.as_list() == [SIDE, SIDE, 3]
    np.testing.assert_array_equal(decoded, image)
    tensors, (as_float,) = _decode_one(
        _example(image__encoded=_bytes(png), image__format=_bytes(b"png")), features,
        {"image": slim.tfexample_decoder.Image(dtype=tf.float32)})
    assert tensors[0].dtype == tf.float32 and tensors[0].shape.as_list() == [None, None, 3]
    np.testing.assert_array_equal(as_float, image.astype(np.float32))  # cast, not rescaled
    with tf.Graph().as_default():
        _, (from_jpeg,) = _decode_one(_example(image__encoded=_bytes(jpeg)), features, {
            "image": slim.tfexample_decoder.Image(dct_method="INTEGER_ACCURATE")})
        with _session() as sess:
            direct = sess.run(tf.image.decode_jpeg(jpeg, dct_method="INTEGER_ACCURATE"))
    assert from_jpeg.shape == image.shape
    np.testing.assert_array_equal(from_jpeg, direct)
    assert 0 < np.abs(from_jpeg.astype(int) - image).mean() < 6  # lossy, but the same picture


def test_tensor_sparse_box_backup_lookup_and_callback_handlers(graph):
    tfd = slim.tfexample_decoder
    box = "image/object/bbox/"
    features = {"mat": tf.VarLenFeature(tf.float32), "h": tf.FixedLenFeature([], tf.int64),
                "w": tf.FixedLenFeature([], tf.int64), "indices": tf.VarLenFeature(tf.int64),
                "values": tf.VarLenFeature(tf.float32), "a": tf.VarLenFeature(tf.int64),
                "b": tf.VarLenFeature(tf.int64), "name": tf.FixedLenFeature([], tf.string),
                **{box + k: tf.VarLenFeature(tf.float32) for k in ("ymin", "xmin", "ymax", "xmax")}}
    handlers = {
        "mat": tfd.Tensor("mat", shape_keys=["h", "w"]),
        "flat": tfd.Tensor("mat", default_value=-1.0),
        "sparse": tfd.SparseTensor(shape=[5], densify=True, default_value=-1.0),
        "boxes": tfd.BoundingBox(prefix=box),
        "backup": tfd.BackupHandler(tfd.Tensor("a"), tfd.Tensor("b")),
        "area": tfd.ItemHandlerCallback(["h", "w"], lambda t: t["h"] * t["w"]),
        "name_id": tfd.LookupTensor("name", tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(["cat", "dog"], tf.constant([0, 1], tf.int64)), -1)),
    }
    example = _example(mat=_floats(*range(6)), h=_ints(2), w=_ints(3), indices=_ints(1, 3),
                       values=_floats(0.5, 2.0), b=_ints(7, 8), name=_bytes(b"dog"),
                       **{box.replace("/", "__") + k: _floats(*v) for k, v in (
                           ("ymin", (0.1, 0.5)), ("xmin", (0.2, 0.6)), ("ymax", (0.3, 0.7)),
                           ("xmax", (0.4, 0.8)))})
    _, out = _decode_one(example, features, handlers)
    got = dict(zip(handlers, out))
    np.testing.assert_array_equal(got["mat"], np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(got["flat"], np.arange(6, dtype=np.float32))
    np.testing.assert_array_equal(got["sparse"], [-1, 0.5, -1, 2.0, -1])
    np.testing.assert_allclose(got["boxes"], [[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]])
    np.testing.assert_array_equal(got["backup"], [7, 8])  # "a" is empty in this record
    assert got["area"] == 6 and got["name_id"] == 1
    # only the items asked for, in that order
    _, (area, mat) = _decode_one(example, features, handlers, items=["area", "mat"])
    assert area == 6 and mat.shape == (2, 3)
    with pytest.raises(ValueError, match="both shape_keys and shape"):
        tfd.Tensor("x", shape_keys="h", shape=[2])
    with pytest.raises(ValueError, match="4 keys"):
        tfd.BoundingBox(keys=["a", "b"])


def test_sequence_example_boxes_per_frame(graph):
    tfd = slim.tfexample_decoder
    frames = [((0.1, 0.5), (0.2, 0.6)), ((0.3,), (0.4,))]  # two boxes, then one: (ymin), (xmin)
    lists = {key: tf.train.FeatureList(feature=[_floats(*f[side]) for f in frames])
             for side, key in enumerate(("ymin", "xmin"))}
    lists["ymax"], lists["xmax"] = lists["ymin"], lists["xmin"]
    serialized = tf.train.SequenceExample(
        context=tf.train.Features(feature={"id": _ints(4)}),
        feature_lists=tf.train.FeatureLists(feature_list=lists)).SerializeToString()
    decoder = tfd.TFSequenceExampleDecoder(
        {"id": tf.FixedLenFeature([], tf.int64)},
        {k: tf.VarLenFeature(tf.float32) for k in ("ymin", "xmin", "ymax", "xmax")},
        {"id": tfd.Tensor("id"), "boxes": tfd.BoundingBoxSequence(),
         "num": tfd.NumBoxesSequence(["ymin", "xmin"])})
    with _session() as sess:
        ident, boxes, num = sess.run(decoder.decode(tf.constant(serialized)))
    assert ident == 4 and num.tolist() == [2, 1]
    np.testing.assert_allclose(boxes, [[[0.1, 0.2, 0.1, 0.2], [0.5, 0.6, 0.5, 0.6]],
                                       [[0.3, 0.4, 0.3, 0.4], [-1, -1, -1, -1]]])
    with pytest.raises(ValueError, match="not unique"):
        tfd.TFSequenceExampleDecoder({"a": None}, {"a": None}, {})


def test_wrong_items_files_and_record_key_are_value_errors(graph, records, tmp_path):
    folder = records[0]
    provider = slim.dataset_data_provider.DatasetDataProvider(make_dataset(folder))
    with pytest.raises(ValueError, match="list or tuple"):
        provider.get("image")
    with pytest.raises(ValueError, match=r"Item \[labels\] is invalid"):
        provider.get(["labels"])
    with pytest.raises(ValueError, match="cannot also be used"):
        slim.dataset_data_provider.DatasetDataProvider(make_dataset(folder), record_key="label")
    with pytest.raises(ValueError, match="No data files found"):
        slim.parallel_reader.get_data_files(str(tmp_path / "none-*.tfrecord"))
    assert slim.parallel_reader.get_data_files([str(folder / "train-1.tfrecord"),
                                                str(folder / "train-0*")]) == [
        str(folder / "train-1.tfrecord"), str(folder / "train-0.tfrecord")]
    with pytest.raises(TypeError, match="tf.string, tf.string"):
        slim.parallel_reader.ParallelReader(tf.TFRecordReader, tf.FIFOQueue(4, [tf.int32]))


SCRIPT = '''
    # A 2017-style slim image-classification script: a dataset definition as in slim's
    # datasets/flowers.py, one pass in file order, then a short slim.learning.train run.
    from __future__ import print_function
    import sys

    import tensorflow as tf
    from tensorflow.contrib.slim.python.slim.data import tfexample_decoder
    from tensorflow.contrib.slim.python.slim.data.parallel_reader import get_data_files
    slim = tf.contrib.slim

    data_dir, train_dir = sys.argv[1:3]


    def get_split(file_pattern):
        keys_to_features = {
            'image/encoded': tf.FixedLenFeature((), tf.string, default_value=''),
            'image/format': tf.FixedLenFeature((), tf.string, default_value='png'),
            'image/class/label': tf.FixedLenFeature([], tf.int64, default_value=-1),
        }
        items_to_handlers = {
            'image': slim.tfexample_decoder.Image(shape=[8, 8, 3]),
            'label': tfexample_decoder.Tensor('image/class/label'),
        }
        decoder = slim.tfexample_decoder.TFExampleDecoder(keys_to_features, items_to_handlers)
        return slim.dataset.Dataset(data_sources=file_pattern, reader=tf.TFRecordReader,
                                    decoder=decoder, num_samples=20, num_classes=5,
                                    items_to_descriptions={'image': 'image', 'label': 'label'})


    dataset = get_split(data_dir + '/train-*.tfrecord')
    print('files', len(get_data_files(dataset.data_sources)))
    with tf.Graph().as_default():
        provider = slim.dataset_data_provider.DatasetDataProvider(dataset, shuffle=False,
                                                                  num_epochs=1)
        image, label = provider.get(['image', 'label'])
        images, labels = tf.train.batch([image, label], batch_size=4)
        seen = []
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            with slim.queues.QueueRunners(sess):
                try:
                    while True:
                        seen.extend(sess.run(labels).tolist())
                except tf.errors.OutOfRangeError:
                    print('labels', seen)

    with tf.Graph().as_default():
        tf.set_random_seed(0)
        provider = slim.dataset_data_provider.DatasetDataProvider(
            dataset, num_readers=2, common_queue_capacity=32, common_queue_min=8, seed=0)
        image, label = provider.get(['image', 'label'])
        image = tf.to_float(image) / 255.0
        images, labels = tf.train.batch([image, label], batch_size=10)
        batch_queue = slim.prefetch_queue.prefetch_queue([images, labels], capacity=2)
        images, labels = batch_queue.dequeue()
        logits = slim.fully_connected(slim.flatten(images), dataset.num_classes,
                                      activation_fn=None)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        optimizer = tf.train.GradientDescentOptimizer(0.1)
        train_op = slim.learning.create_train_op(loss, optimizer)
        final_loss = slim.learning.train(train_op, train_dir, number_of_steps=100,
                                         save_summaries_secs=3600, log_every_n_steps=1000)
        print('final loss %.3f' % final_loss)
'''


def test_slim_dataset_script_reads_and_trains_through_graph_cnn_legacy(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    with tf.Graph().as_default():
        write_records(records, files=4)
    script = tmp_path / "train_image_classifier.py"
    script.write_text(textwrap.dedent(SCRIPT))
    result = run_cli("legacy", script, records, tmp_path / "train", timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "files 4" in result.stdout
    assert f"labels {[i % CLASSES for i in range(N)]}" in result.stdout
    # ln 5 = 1.61 at the start; the bright column tells the classes apart
    assert float(re.search(r"final loss ([0-9.]+)", result.stdout).group(1)) < 0.5, result.stdout
    assert (tmp_path / "train" / "model.ckpt-100.index").exists()
