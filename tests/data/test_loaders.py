import numpy as np
import pytest

from graph_cnn.data import augment, mnist
from graph_cnn.data.input_data import DataSet, read_data_sets
from graph_cnn.data.mldata import fetch_mldata


@pytest.mark.smoke
def test_read_data_sets_splits_like_tf1(mnist_dir):
    data = read_data_sets(str(mnist_dir), one_hot=True)
    assert (data.train.num_examples, data.validation.num_examples,
            data.test.num_examples) == (55000, 5000, 10000)
    images = data.train.images
    assert images.shape == (55000, 784) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() == 1.0
    assert data.train.labels.shape == (55000, 10) and data.train.labels.dtype == np.float64
    (x_train, y_train), _ = mnist.load_data(mnist_dir)
    np.testing.assert_allclose(data.validation.images[0], x_train[0].reshape(-1) / 255.0,
                               rtol=1e-6)
    np.testing.assert_array_equal(data.validation.labels.argmax(1), y_train[:5000])
    np.testing.assert_array_equal(data.train.labels.argmax(1), y_train[5000:])


def test_read_data_sets_uses_finder_when_named_dir_is_empty(tmp_path):
    data = read_data_sets(str(tmp_path / "MNIST_data"), reshape=False, dtype=np.uint8)
    assert data.test.images.shape == (10000, 28, 28) and data.test.images.dtype == np.uint8
    assert not (tmp_path / "MNIST_data").exists()  # nothing written where the script pointed


def test_bad_validation_size_is_refused():
    with pytest.raises(ValueError, match="between 0 and 60000"):
        read_data_sets(validation_size=70000)


def toy(n=10, seed=0):
    images = np.arange(n, dtype=np.uint8).reshape(n, 1, 1)
    return DataSet(images, np.arange(n), dtype=np.uint8, seed=seed)


@pytest.mark.smoke
def test_next_batch_joins_rest_of_epoch_to_reshuffled_next():
    ds = toy(10)
    first = [ds.next_batch(4)[1] for _ in range(2)]
    assert ds.epochs_completed == 0
    seen = np.concatenate(first).tolist()
    images, labels = ds.next_batch(4)  # 2 left in epoch 0 + 2 from epoch 1
    assert ds.epochs_completed == 1
    rest = labels[:2].tolist()
    assert sorted(seen + rest) == list(range(10))  # epoch 0 covered every example once
    np.testing.assert_array_equal(images.reshape(-1), labels)  # images and labels stay paired
    epoch1 = labels[2:].tolist() + ds.next_batch(4)[1].tolist() + ds.next_batch(4)[1].tolist()
    assert sorted(epoch1) == list(range(10))  # the joined part is the start of epoch 1
    assert ds.epochs_completed == 1


def test_next_batch_epoch_boundary_exact_and_counts():
    ds = toy(8)
    ds.next_batch(4)
    ds.next_batch(4)
    assert ds.epochs_completed == 0  # counted only when the next batch crosses the boundary
    _, labels = ds.next_batch(4)
    assert ds.epochs_completed == 1 and len(labels) == 4
    epoch1 = labels.tolist() + ds.next_batch(4)[1].tolist()
    assert sorted(epoch1) == list(range(8))


def test_next_batch_without_shuffle_wraps_in_order():
    ds = toy(5)
    assert ds.next_batch(3, shuffle=False)[1].tolist() == [0, 1, 2]
    assert ds.next_batch(3, shuffle=False)[1].tolist() == [3, 4, 0]
    assert ds.epochs_completed == 1


def test_seeded_datasets_repeat_and_differ_by_seed():
    a, b, c = toy(10, seed=1), toy(10, seed=1), toy(10, seed=2)
    batches = lambda ds: [ds.next_batch(3)[1].tolist() for _ in range(5)]
    first = batches(a)
    assert first == batches(b) and first != batches(c)


def test_fetch_mldata_matches_the_old_service(mnist_dir):
    bunch = fetch_mldata("MNIST original")
    assert bunch.data.shape == (70000, 784) and bunch.data.dtype == np.uint8
    assert bunch.target.shape == (70000,) and bunch.target.dtype == np.float64
    train_t, test_t = bunch.target[:60000], bunch.target[60000:]
    assert np.all(np.diff(train_t) >= 0) and np.all(np.diff(test_t) >= 0)
    (x_train, y_train), (x_test, y_test) = mnist.load_data(mnist_dir)
    np.testing.assert_array_equal(np.bincount(train_t.astype(int)), np.bincount(y_train))
    first_zero = np.flatnonzero(y_test == 0)[0]
    np.testing.assert_array_equal(bunch.data[60000], x_test[first_zero].reshape(-1))
    with pytest.raises(ValueError, match="only 'MNIST original'"):
        fetch_mldata("iris")


def test_shift_and_flip_move_pixels_as_named():
    image = np.zeros((28, 28), np.uint8)
    image[10, 5] = 200
    right = augment.shift_image(image, 0, 1)
    down = augment.shift_image(image.reshape(-1), 1, 0).reshape(28, 28)
    assert right[10, 6] == 200 and right[10, 5] == 0
    assert down[11, 5] == 200
    assert augment.flip_image(image)[10, 22] == 200
    assert augment.flip_image(image, 0)[17, 5] == 200


def test_augment_makes_six_copies_with_labels():
    images = np.random.RandomState(0).randint(0, 255, (7, 784)).astype(np.float32)
    labels = np.arange(7)
    x, y = augment.augment(images, labels)
    assert x.shape == (augment.augmented_count(7), 784) == (42, 784)
    assert y.tolist() == list(range(7)) * 6
    np.testing.assert_array_equal(x[:7], images)
    x2, _ = augment.augment(images, labels, flip=False)
    assert len(x2) == 35


def test_minibatches_cover_every_index_once():
    rng = np.random.RandomState(3)
    batches = list(augment.minibatches(10, 4, rng))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    assert [len(b) for b in augment.minibatches(10, 4, rng, drop_remainder=True)] == [4, 4]
