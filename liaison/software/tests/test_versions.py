"""Versions compare as versions, the way a lab technician reads them."""

import pytest

from liaison.software.versions import at_least, compare, is_version, newest


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("4.9", "4.10"),  # text would say the opposite
        ("2023.9", "2023.10"),
        ("2.3.1rc1", "2.3.1"),  # PEP 440 pre-release
        ("16.0.17928", "16.0.18129"),
        ("R2023a", "R2023b"),  # MATLAB: not PEP 440, the fallback
        ("2024", "2024 SP1"),
        ("11.2.0-build 7", "11.2.0-build 10"),
        ("2023 Q3", "2024 Q1"),
    ],
)
def test_older_compares_below_newer(older, newer):
    assert compare(older, newer) == -1 and compare(newer, older) == 1
    assert at_least(newer, older) and not at_least(older, newer)


@pytest.mark.parametrize(("a", "b"), [("1.0", "1.0.0"), ("v1.2", "1.2"), ("2023.06", "2023.6")])
def test_spellings_of_the_same_version_are_equal(a, b):
    assert compare(a, b) == 0


def test_no_minimum_is_met_by_anything_and_an_unrecorded_version_meets_no_minimum():
    assert at_least("", "") and at_least("1.0", "")
    assert not at_least("", "1.0") and not at_least("unknown", "1.0")


def test_newest_ignores_words_and_reads_numbers():
    assert newest(["1.9", "1.10", "latest"]) == "1.10"
    assert newest([]) == ""
    assert is_version("R2023b") and not is_version("latest")
