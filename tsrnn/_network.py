"""The one network builder: ``CELLS`` registry, optional embedding, RNN stack, head.

Every estimator builds its module with :func:`build_network` from a plain dict of
architecture arguments (``arch``). The same dict is stored with the estimator, so
unpickling and :func:`tsrnn.load` rebuild the module through this one function.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

__all__ = ["CELLS", "RNNNetwork", "build_network"]

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
    ) -> None:
        super().__init__()
        self.embedding = None
        if vocab_size is not None and embedding_dim is not None:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
            input_size = embedding_dim
        self.rnn = CELLS[cell](
            input_size=input_size,
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
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(x)
        if isinstance(h_n, tuple):  # LSTM: (h_n, c_n)
            h_n = h_n[0]
        if self.directions == 2:
            return torch.cat((h_n[-2], h_n[-1]), dim=1)
        return h_n[-1]

    def forward(
        self,
        x: torch.Tensor,
        lengths: torch.Tensor | None = None,
        extra: torch.Tensor | None = None,
    ) -> torch.Tensor:
        state = self.encode(x, lengths)
        if extra is not None:
            state = torch.cat((state, extra), dim=1)
        return self.head(state)


def build_network(**arch) -> RNNNetwork:
    """Build the network from an architecture dict (see :class:`RNNNetwork`)."""
    return RNNNetwork(**arch)
