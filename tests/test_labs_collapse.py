import pytest
import torch

from gantutor.data.domains import sample_modes, toy_domains
from gantutor.labs import collapse as lab


def _counts(targets: list[int], n_to: int = 8, per_mode: int = 10) -> torch.Tensor:
    """Counts of a map that sends every sample of mode i to mode targets[i]."""
    counts = torch.zeros(len(targets), n_to, dtype=torch.long)
    counts[torch.arange(len(targets)), torch.tensor(targets)] = per_mode
    return counts


def test_a_permutation_reaches_every_mode_and_a_constant_map_one():
    perm = [3, 1, 0, 2, 7, 5, 6, 4]
    assert lab.modes_reached(_counts(perm)) == 8
    assert lab.modes_reached(_counts([5] * 8)) == 1
    assert lab.modes_reached(_counts([0, 0, 1, 1, 2, 2, 3, 3])) == 4
    torch.testing.assert_close(lab.assignment(_counts(perm)), torch.tensor(perm))
    assert lab.majority_fraction(_counts(perm)) == 1.0
    assert lab.collapse_scores(_counts([5] * 8)) == {"modes": 1, "majority": 1.0}


def test_majority_fraction_of_split_modes():
    counts = _counts(list(range(8)))  # 10 samples a mode, all kept together
    counts[0] = torch.tensor([4, 6, 0, 0, 0, 0, 0, 0])  # mode 0 split 4 / 6
    counts[1] = torch.tensor([0, 5, 5, 0, 0, 0, 0, 0])  # a tie: the first wins
    assert lab.majority_fraction(counts) == pytest.approx((6 + 5 + 60) / 80)
    torch.testing.assert_close(lab.assignment(counts)[:2], torch.tensor([1, 1]))
    assert lab.modes_reached(counts) == 7


def test_map_counts_of_the_identity_and_of_a_shift():
    source, target = toy_domains()
    a, k = sample_modes(source, 400, torch.Generator().manual_seed(0))
    b_centres = target.centres[(k + 3) % 8]  # every mode i lands on mode i + 3
    counts = lab.map_counts(b_centres + 0.01 * torch.randn(400, 2), k, target, 8)
    assert counts.shape == (8, 8) and counts.sum() == 400
    torch.testing.assert_close(lab.assignment(counts), (torch.arange(8) + 3) % 8)
    # a map that sends the whole ring to the line's left end
    left = target.centres[0].expand(400, 2)
    assert lab.modes_reached(lab.map_counts(left, k, target, 8)) == 1


def test_assignment_changes_counts_modes_that_moved():
    runs = torch.tensor([[0, 1, 2, 3], [0, 1, 2, 3], [1, 0, 2, 3], [1, 0, 3, 3]])
    torch.testing.assert_close(lab.assignment_changes(runs), torch.tensor([0, 2, 1]))
    stacked = lab.stack_assignments([_counts([2, 1]), _counts([1, 1])])
    torch.testing.assert_close(stacked, torch.tensor([[2, 1], [1, 1]]))


def test_digit_counts_read_the_judge_classes(monkeypatch):
    logits = torch.eye(10)[[3, 3, 7]] * 5  # the judge reads 3, 3, 7
    monkeypatch.setattr(lab, "features", lambda *args, **kwargs: logits)
    x = torch.zeros(3, 1, 28, 28)
    counts = lab.digit_counts(x, torch.tensor([3, 5, 7]), "mnist-cnn")
    expected = torch.zeros(10, 10, dtype=torch.long)
    expected[3, 3] = expected[5, 3] = expected[7, 7] = 1
    torch.testing.assert_close(counts, expected)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="K_a, K_b"):
        lab.modes_reached(torch.zeros(8))
    with pytest.raises(ValueError, match=">= 0"):
        lab.majority_fraction(-_counts([0, 1]))
    with pytest.raises(ValueError, match=r"modes \[1\] of A have no sample"):
        lab.assignment(torch.tensor([[1, 0], [0, 0]]))
    with pytest.raises(ValueError, match="S >= 2"):
        lab.assignment_changes(torch.zeros(1, 8))
    source, target = toy_domains()
    with pytest.raises(ValueError, match=r"\(n, 2\) points"):
        lab.map_counts(torch.zeros(5, 3), torch.zeros(5, dtype=torch.long), target, 8)
    with pytest.raises(ValueError, match="one mode per point"):
        lab.map_counts(torch.zeros(5, 2), torch.zeros(4, dtype=torch.long), target, 8)
    with pytest.raises(ValueError, match=r"\[0, 8\)"):
        lab.map_counts(torch.zeros(2, 2), torch.tensor([0, 8]), target, 8)
    with pytest.raises(ValueError, match="mnist-cnn"):
        lab.digit_counts(torch.zeros(2, 3, 28, 28), torch.zeros(2), "mnist-cnn")
    with pytest.raises(ValueError, match="labels"):
        lab.digit_counts(torch.zeros(2, 1, 28, 28), torch.zeros(3), "mnist-cnn")
    with pytest.raises(ValueError, match="at least one"):
        lab.stack_assignments([])
