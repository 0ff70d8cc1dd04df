"""What ``predict``'s not-a-digit check catches, measured on pictures made here
(tests/tools/picture_set.py); the table docs/reproductions.md gives is this test's output
(``python -m pytest -s tests/tools/test_digit_check.py``), and the test holds the page to it."""

import numpy as np
import pytest
from conftest import mnist_source
from picture_set import picture_set

from graph_cnn.data import mnist
from graph_cnn.errors import DataError
from graph_cnn.tools import digit_check, digits

# category: (answered "not a digit", pictures), as docs/reproductions.md states them
DOCUMENTED = {"letters": (0, 39), "look-alike letters": (0, 12), "symbols": (2, 22),
              "text lines": (8, 8), "text pages": (4, 8), "noise": (9, 9),
              "boxed digits": (19, 20), "typed digits": (0, 20), "MNIST digits": (0, 200)}
MUST = {"text lines": 1.0, "noise": 1.0, "boxed digits": 0.9}  # share caught at least
MUST_PASS = {"MNIST digits": 0.99, "typed digits": 0.9}  # share let through at least


@pytest.fixture(scope="module")
def measured():
    check = digit_check.build(mnist_source())
    (_, _), test = mnist.load_data()
    table = {}
    for category, pictures in picture_set(test).items():
        caught = []
        for name, picture in pictures:
            try:
                why = check.reason(digits.to_mnist(picture.astype(np.float32) / 255))
            except DataError as exc:  # "holds no digit": not answered with a digit either
                why = str(exc)
            if why:
                caught.append(name)
        table[category] = (caught, [name for name, _ in pictures])
    print("\n| pictures | answered `not a digit` | the exceptions |\n|---|---|---|")
    for category, (caught, names) in table.items():
        few = caught if 2 * len(caught) <= len(names) else [n for n in names if n not in caught]
        which = "caught" if few is caught else "missed"
        print(f"| {category} | {len(caught)} of {len(names)} | "
              f"{which + ': ' + ', '.join(few) if few else '-'} |")
    return {category: (caught, len(names)) for category, (caught, names) in table.items()}


@pytest.mark.smoke
def test_what_must_be_caught_is(measured):
    for category, share in MUST.items():
        caught, n = measured[category]
        assert len(caught) >= share * n, (category, caught)
    for category, share in MUST_PASS.items():
        caught, n = measured[category]
        assert n - len(caught) >= share * n, (category, caught)


def test_readme_table_is_what_is_measured(measured):
    """Within one picture (font rendering differs a little between library versions)."""
    assert set(measured) == set(DOCUMENTED)
    for category, (caught, n) in measured.items():
        assert n == DOCUMENTED[category][1]
        assert abs(len(caught) - DOCUMENTED[category][0]) <= 1, (category, caught)
