"""The one network builder: CELLS registry, embedding, recurrent stack, head."""

import pytest
import torch
from torch import nn

from tsrnn._network import (
    CELLS,
    EnsembleNetwork,
    RNNNetwork,
    build_network,
    members,
    patch,
)


def arch(**overrides):
    base = dict(
        cell="lstm",
        input_size=3,
        hidden_size=5,
        num_layers=1,
        dropout=0.0,
        bidirectional=False,
        output_size=2,
    )
    return {**base, **overrides}


def test_cells_registry_maps_names_to_torch_layers():
    assert CELLS == {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_build_network_uses_the_registered_cell(cell):
    net = build_network(**arch(cell=cell))
    assert isinstance(net, RNNNetwork)
    assert type(net.rnn) is CELLS[cell]
    assert net.rnn.batch_first


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_output_and_state_shapes(cell, bidirectional, num_layers):
    torch.manual_seed(0)
    net = build_network(
        **arch(cell=cell, bidirectional=bidirectional, num_layers=num_layers)
    )
    x = torch.randn(4, 7, 3)
    directions = 2 if bidirectional else 1
    assert net.encode(x).shape == (4, 5 * directions)
    assert net(x).shape == (4, 2)
    assert net.head.in_features == 5 * directions
    assert net.rnn.num_layers == num_layers
    lengths = torch.tensor([7, 3, 1, 5])
    assert net(x, lengths).shape == (4, 2)


def test_dropout_only_between_stacked_layers():
    assert build_network(**arch(dropout=0.5, num_layers=1)).rnn.dropout == 0.0
    assert build_network(**arch(dropout=0.5, num_layers=2)).rnn.dropout == 0.5


def test_extra_head_inputs_widen_the_head():
    torch.manual_seed(0)
    net = build_network(**arch(extra_size=4))
    assert net.head.in_features == 5 + 4
    out = net(torch.randn(2, 6, 3), None, torch.randn(2, 4))
    assert out.shape == (2, 2)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_equals_unpacked_for_full_length_rows(cell, bidirectional):
    torch.manual_seed(0)
    net = build_network(
        **arch(cell=cell, bidirectional=bidirectional, num_layers=2)
    ).eval()
    x = torch.randn(3, 6, 3)
    with torch.no_grad():
        plain = net(x)
        packed = net(x, torch.tensor([6, 6, 6]))
    torch.testing.assert_close(packed, plain, atol=1e-6, rtol=0)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packing_reads_only_the_first_length_steps(cell, bidirectional):
    # A short row in a packed batch gives what the row gives alone, whatever
    # garbage follows its length: the last state comes from h_n, not output[:, -1].
    torch.manual_seed(0)
    net = build_network(**arch(cell=cell, bidirectional=bidirectional)).eval()
    x = torch.randn(3, 8, 3)
    x[1, 3:] = 1e3
    with torch.no_grad():
        batch = net(x, torch.tensor([8, 3, 5]))
        alone = net(x[1:2, :3])
    torch.testing.assert_close(batch[1:2], alone, atol=1e-5, rtol=0)


def test_embedding_padding_index_is_zero():
    torch.manual_seed(0)
    net = build_network(**arch(input_size=1, vocab_size=10, embedding_dim=4))
    assert net.embedding.padding_idx == 0
    assert net.embedding.num_embeddings == 10
    assert net.rnn.input_size == 4
    assert torch.equal(net.embedding.weight[0], torch.zeros(4))
    ids = torch.tensor([[3, 1, 4, 0], [2, 0, 0, 0]])
    net(ids, torch.tensor([3, 1])).sum().backward()
    assert torch.equal(net.embedding.weight.grad[0], torch.zeros(4))
    assert net.embedding.weight.grad[3].abs().sum() > 0


def test_embedding_needs_both_vocab_and_dim():
    net = build_network(**arch(vocab_size=10, embedding_dim=None))
    assert net.embedding is None
    assert net.rnn.input_size == 3


def test_patch_size_one_is_the_plain_network():
    torch.manual_seed(0)
    plain = build_network(**arch())
    torch.manual_seed(0)
    same = build_network(**arch(patch_size=1))
    x = torch.randn(2, 6, 3)
    torch.testing.assert_close(plain(x), same(x), atol=0, rtol=0)


def test_patches_are_consecutive_steps_ending_on_the_last():
    x = torch.arange(1.0, 8.0).reshape(1, 7, 1).expand(2, 7, 1) * torch.tensor(
        [1.0, -1.0]
    ).reshape(2, 1, 1)
    out, lengths = patch(x, None, 3)
    assert lengths is None
    # 7 steps -> 3 patches; the first is zero-filled at its start
    assert out[0].tolist() == [[0.0, 0.0, 1.0], [2.0, 3.0, 4.0], [5.0, 6.0, 7.0]]
    assert torch.equal(out[1], -out[0])


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_patched_packed_rows_equal_the_row_alone(cell):
    # rows shorter than the batch are valid-steps-first; after patching, each
    # row's recurrence sees what it sees alone (its first patch zero-filled)
    torch.manual_seed(0)
    net = build_network(**arch(cell=cell, patch_size=4)).eval()
    assert net.rnn.input_size == 4 * 3
    x = torch.randn(3, 10, 3)
    x[1, 5:] = 1e3  # garbage after row 1's length
    lengths = torch.tensor([10, 5, 8])
    with torch.no_grad():
        batch = net(x, lengths)
        for row, length in enumerate(lengths.tolist()):
            alone = net(x[row : row + 1, :length])
            torch.testing.assert_close(batch[row : row + 1], alone, atol=1e-5, rtol=0)


def test_patching_shortens_the_recurrence():
    net = build_network(**arch(patch_size=6))
    seen = []
    net.rnn.register_forward_hook(lambda mod, inp, out: seen.append(inp[0].shape))
    net(torch.randn(2, 24, 3))
    assert seen == [torch.Size([2, 4, 18])]


def test_ensemble_members_start_from_their_own_seeds_and_average():
    net = build_network(**arch(), n_ensembles=3, seeds=[5, 6, 7])
    assert isinstance(net, EnsembleNetwork)
    assert len(members(net)) == 3
    for member, seed in zip(members(net), [5, 6, 7]):
        torch.manual_seed(seed)
        alone = build_network(**arch())
        for a, b in zip(member.parameters(), alone.parameters()):
            assert torch.equal(a, b)
    x = torch.randn(4, 6, 3)
    with torch.no_grad():
        mean = torch.stack([m(x) for m in members(net)]).mean(dim=0)
        torch.testing.assert_close(net(x), mean, atol=0, rtol=0)
    single = build_network(**arch())
    assert members(single) == [single]
