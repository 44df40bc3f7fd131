"""The one network builder: ``CELLS`` registry, optional embedding, RNN stack, head.

An ensemble (``n_ensembles`` in the architecture) is several such networks whose
outputs are averaged.

Every estimator builds its module with :func:`build_network` from a plain dict of
architecture arguments (``arch``). The same dict is stored with the estimator, so
unpickling and :func:`tsrnn.load` rebuild the module through this one function.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = [
    "CELLS",
    "EnsembleNetwork",
    "RNNNetwork",
    "build_network",
    "members",
    "patch",
]

#: ``cell`` parameter value -> torch recurrent layer class.
CELLS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RNNNetwork(nn.Module):
    """[embedding] -> recurrent stack -> linear head on the last hidden state.

    Parameters
    ----------
    cell : {"rnn", "lstm", "gru"}
    input_size : int
        Features per step (ignored when ``vocab_size`` is set).
    hidden_size, num_layers : int
    dropout : float
        Dropout between recurrent layers (only used when ``num_layers > 1``).
    bidirectional : bool
    output_size : int
        Width of the head's output.
    vocab_size, embedding_dim : int or None
        When both are set, inputs are token ids fed through
        ``nn.Embedding(vocab_size, embedding_dim, padding_idx=0)``.
    extra_size : int, default=0
        Width of extra head inputs concatenated to the last hidden state (the
        forecasters' known-ahead covariates over the horizon).
    patch_size : int, default=1
        Steps per recurrent step: the sequence is cut into non-overlapping patches
        of this many steps, each one input vector of ``patch_size * input_size``
        values, so the recurrence is ``patch_size`` times shorter (see
        :func:`patch`). 1 feeds every step.
    per_step : bool, default=False
        Apply the head to the top layer's output at every step (``y_t = W h_t +
        b``): the output is ``(batch, steps, output_size)``, zeros past each
        row's length. False: the head reads the last hidden state only.
    """

    def __init__(
        self,
        *,
        cell: str,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        dropout: float,
        bidirectional: bool,
        output_size: int,
        vocab_size: int | None = None,
        embedding_dim: int | None = None,
        extra_size: int = 0,
        patch_size: int = 1,
        per_step: bool = False,
    ) -> None:
        super().__init__()
        if per_step and (patch_size > 1 or extra_size):
            raise ValueError("per-step outputs read every step: no patches, no extra")
        self.patch_size = int(patch_size)
        self.per_step = bool(per_step)
        self.embedding = None
        if vocab_size is not None and embedding_dim is not None:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
            input_size = embedding_dim
        self.rnn = CELLS[cell](
            input_size=input_size * self.patch_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
            batch_first=True,
        )
        self.directions = 2 if bidirectional else 1
        self.head = nn.Linear(hidden_size * self.directions + extra_size, output_size)

    def encode(
        self, x: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Last hidden state of the top layer, ``(batch, hidden_size * directions)``.

        ``lengths`` (CPU int64) is given only when the batch's rows differ in length;
        rows must then be valid-steps-first (see :mod:`tsrnn._padding`).
        """
        if self.embedding is not None:
            x = self.embedding(x)
        if self.patch_size > 1:
            x, lengths = patch(x, lengths, self.patch_size)
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(x)
        if isinstance(h_n, tuple):  # LSTM: (h_n, c_n)
            h_n = h_n[0]
        if self.directions == 2:
            return torch.cat((h_n[-2], h_n[-1]), dim=1)
        return h_n[-1]

    def outputs(
        self, x: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The top layer's output at every step, ``(batch, steps, hidden_size *
        directions)``; zeros past each row's length (rows valid-steps-first)."""
        if self.embedding is not None:
            x = self.embedding(x)
        steps = x.shape[1]
        if lengths is None:
            return self.rnn(x)[0]
        packed = pack_padded_sequence(
            x, lengths, batch_first=True, enforce_sorted=False
        )
        out, _ = pad_packed_sequence(
            self.rnn(packed)[0], batch_first=True, total_length=steps
        )
        return out

    def forward(
        self,
        x: torch.Tensor,
        lengths: torch.Tensor | None = None,
        extra: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if self.per_step:
            return self.head(self.outputs(x, lengths))
        state = self.encode(x, lengths)
        if extra is not None:
            state = torch.cat((state, extra), dim=1)
        return self.head(state)


def patch(
    x: torch.Tensor, lengths: torch.Tensor | None, size: int
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Cut ``(batch, steps, features)`` into patches of ``size`` steps.

    Returns ``(batch, ceil(steps / size), size * features)`` and the rows' lengths
    in patches. Each row's last step ends its last patch; when a row's length is not
    a multiple of ``size``, its first patch is zero-filled at the start. ``lengths``
    (CPU int64, rows valid-steps-first) stays valid-patches-first.

    Examples
    --------
    >>> import torch
    >>> x = torch.arange(1.0, 6.0).reshape(1, 5, 1)
    >>> patch(x, None, 2)[0]
    tensor([[[0., 1.],
             [2., 3.],
             [4., 5.]]])
    >>> patch(x, torch.tensor([3]), 2)
    (tensor([[[0., 1.],
             [2., 3.],
             [0., 0.]]]), tensor([2]))
    """
    batch, steps, features = x.shape
    n = -(-steps // size)
    if lengths is None:
        if n * size > steps:
            x = torch.cat((x.new_zeros(batch, n * size - steps, features), x), dim=1)
        return x.reshape(batch, n, size * features), None
    n_rows = (lengths + size - 1) // size
    on_device = lengths.to(x.device)
    # output position j of row b reads step j - shift[b] (zeros outside the row)
    shift = (n_rows * size).to(x.device) - on_device
    src = torch.arange(n * size, device=x.device)[None, :] - shift[:, None]
    inside = (src >= 0) & (src < on_device[:, None])
    src = src.clamp(0, steps - 1)
    out = torch.gather(x, 1, src[..., None].expand(-1, -1, features))
    out = out * inside[..., None].to(x.dtype)
    return out.reshape(batch, n, size * features), n_rows


class EnsembleNetwork(nn.Module):
    """Networks trained apart (each from its own seed); the output is their mean.

    Parameters
    ----------
    members : list of RNNNetwork
        The same architecture, different weights. The training loop trains each
        member on its own (:func:`members`); calling the ensemble averages them.
    """

    def __init__(self, members: list[RNNNetwork]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, *inputs) -> torch.Tensor:
        return torch.stack([member(*inputs) for member in self.members]).mean(dim=0)


def members(module: nn.Module) -> list[nn.Module]:
    """The separately trained networks of ``module``: its members, or itself."""
    if isinstance(module, EnsembleNetwork):
        return list(module.members)
    return [module]


def build_network(
    *, n_ensembles: int = 1, seeds: list[int] | None = None, **arch
) -> RNNNetwork | EnsembleNetwork:
    """Build the network from an architecture dict (see :class:`RNNNetwork`).

    ``n_ensembles > 1`` builds an :class:`EnsembleNetwork` of that many copies of the
    architecture. ``seeds`` (one per member) reseeds torch's default generator
    before each member is initialized, so member ``i`` starts from the weights a
    single network built from ``seeds[i]`` would have.

    Examples
    --------
    >>> net = build_network(cell="gru", input_size=1, hidden_size=4, num_layers=1,
    ...                     dropout=0.0, bidirectional=False, output_size=2,
    ...                     n_ensembles=3)
    >>> len(members(net))
    3
    """
    nets = []
    for i in range(int(n_ensembles)):
        if seeds is not None:
            torch.default_generator.manual_seed(int(seeds[i]))
        nets.append(RNNNetwork(**arch))
    return nets[0] if len(nets) == 1 else EnsembleNetwork(nets)
