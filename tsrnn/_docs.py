"""The parameter and attribute texts the estimators share, and how docstrings get them.

A text that several public classes need is written once here (one home per
concept), as a numpydoc entry without its default. A class docstring names it on a
line of its own, ``%(hidden_size)s``; :func:`document` replaces that line with the
entry, indented like it, and writes the default of the class's own signature into
its first line: the forecasters and the sequence estimators share the text of
``gradient_clip`` while their defaults differ, and no docstring can state a stale
default. A name may also stand for a group of entries (:data:`GROUPS`). An entry
that one class alone writes stays in its docstring, with its default written out
(the test of the docs checks it against the signature).

:data:`RNN` holds what every recurrent estimator shares; :data:`FORECASTING` the
forecasters' entries: the column roles and panel keys
:class:`~tsrnn.SeasonalNaiveForecaster` takes too, and RNNForecaster's texts of
the training parameters whose meaning differs from the sequence estimators' in
:data:`SEQUENCE` (what a batch and a validation set are, what ``warm_start``
keeps). The fixed-cell forecasters show :class:`~tsrnn.RNNForecaster`'s
Parameters, less ``cell``, and Attributes (:func:`document_like`).
"""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable, Mapping

__all__ = [
    "FORECASTING",
    "GROUPS",
    "RNN",
    "SEQUENCE",
    "document",
    "document_like",
    "drop_entry",
    "fill",
    "section",
]

_PLACEHOLDER = re.compile(r"^([ \t]*)%\((\w+)\)s[ \t]*$", flags=re.M)


def _entries(block: str) -> dict[str, str]:
    """numpydoc entries by name: each ``name : type`` line at the margin and the
    indented lines under it."""
    entries: dict[str, str] = {}
    for entry in re.split(r"\n(?=\S)", textwrap.dedent(block).strip()):
        entries[entry.split(" : ")[0]] = entry
    return entries


def fill(doc: str, texts: Mapping[str, str]) -> str:
    """``doc`` with each ``%(name)s`` line replaced by ``texts[name]``, indented like it.

    Examples
    --------
    >>> print(fill("Parameters\\n    %(a)s\\n", {"a": "a : int\\n    The a."}))
    Parameters
        a : int
            The a.
    <BLANKLINE>
    """

    def replace(match: re.Match) -> str:
        indent, name = match.groups()
        if name not in texts:
            raise KeyError(f"no docstring text for %({name})s")
        return textwrap.indent(texts[name], indent)

    return _PLACEHOLDER.sub(replace, doc)


def _default(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def document(*sources: Mapping[str, str]) -> Callable[[type], type]:
    """Class decorator: fill the docstring's ``%(name)s`` lines from ``sources``.

    A name is looked up in :data:`GROUPS` (its entries one after the other), then
    in each of ``sources`` in turn. An entry of a parameter of the class gets
    ``, default=...`` from the class's signature.
    """

    def decorate(cls: type) -> type:
        params = inspect.signature(cls.__init__).parameters

        def text(name: str) -> str:
            entry = next((s[name] for s in sources if name in s), None)
            if entry is None:
                raise KeyError(f"{cls.__name__}: no docstring text for {name!r}")
            param = params.get(name)
            if param is None or param.default is inspect.Parameter.empty:
                return entry
            head, _, rest = entry.partition("\n")
            return f"{head}, default={_default(param.default)}\n{rest}"

        names = {m.group(2) for m in _PLACEHOLDER.finditer(cls.__doc__)}
        texts = {
            name: "\n".join(text(n) for n in GROUPS.get(name, (name,)))
            for name in names
        }
        cls.__doc__ = fill(cls.__doc__, texts)
        return cls

    return decorate


def section(doc: str, title: str) -> str:
    """The body of the numpydoc section ``title`` of ``doc``, dedented."""
    lines = inspect.cleandoc(doc).splitlines()
    start = lines.index(title) + 2  # the title, then its underline
    end = next(
        (
            i
            for i in range(start, len(lines) - 1)
            if lines[i] and re.fullmatch(r"-{3,}", lines[i + 1])
        ),
        len(lines),
    )
    return "\n".join(lines[start:end]).strip("\n")


def drop_entry(body: str, name: str) -> str:
    """A section ``body`` without the entry of ``name``."""
    return "\n".join(e for n, e in _entries(body).items() if n != name)


def document_like(base: type, *, without: tuple[str, ...] = ()):
    """Class decorator: the docstring's ``%(sections)s`` line becomes ``base``'s
    Parameters (less the entries ``without``) and Attributes sections."""

    def decorate(cls: type) -> type:
        parameters = section(base.__doc__, "Parameters")
        for name in without:
            parameters = drop_entry(parameters, name)
        attributes = section(base.__doc__, "Attributes")
        sections = (
            f"Parameters\n----------\n{parameters}\n\n"
            f"Attributes\n----------\n{attributes}"
        )
        cls.__doc__ = fill(cls.__doc__, {"sections": sections})
        return cls

    return decorate


#: a placeholder name that stands for several entries, in signature order
GROUPS = {
    "sequence_network": (
        "cell",
        "hidden_size",
        "num_layers",
        "dropout",
        "bidirectional",
        "embedding_dim",
    ),
    "training": (
        "learning_rate",
        "lr_schedule",
        "weight_decay",
        "batch_size",
        "max_epochs",
        "max_steps",
        "gradient_clip",
        "early_stopping",
        "validation_fraction",
        "patience",
        "random_state",
        "device",
        "n_threads",
        "verbose",
        "warm_start",
    ),
    "sequence_attributes": (
        "module_",
        "history_",
        "n_epochs_",
        "n_threads_",
        "batch_size_",
        "n_features_in_",
        "feature_names_in_",
        "layout_",
        "n_step_features_",
        "step_names_in_",
        "mask_channel_",
        "vocab_size_",
        "device_",
    ),
}

#: entries of every recurrent estimator (the forecasters and the sequence ones)
RNN = _entries(
    """
cell : {"lstm", "gru", "rnn"}
    Recurrent cell: ``"lstm"`` (:class:`torch.nn.LSTM`), ``"gru"``
    (:class:`torch.nn.GRU`) or ``"rnn"`` (:class:`torch.nn.RNN`, tanh).
hidden_size : int
    Units of each recurrent layer: the length of its hidden state. The linear
    output layer reads the top layer's hidden state after the last step (the
    per-step estimators: after every step). The cost of a step grows about with
    ``hidden_size * (hidden_size + inputs)``.
num_layers : int
    Recurrent layers stacked, each reading the hidden states of the one below.
dropout : float
    Probability in [0, 1) of zeroing a hidden state passed from one recurrent
    layer to the next, in training only (torch's ``dropout``); no effect with
    ``num_layers=1``.
lr_schedule : {"constant", "cosine"}
    ``"constant"``: ``learning_rate`` throughout. ``"cosine"``: the step size
    decays from ``learning_rate`` to 0 along half a cosine over the fit's
    gradient steps (``max_epochs`` epochs or ``max_steps``, the fewer), updated
    after every batch, which settles the weights of a short fit; early stopping
    may end the fit before the decay does.
weight_decay : float
    L2 penalty: Adam's ``weight_decay``, which adds ``weight_decay * w`` to the
    gradient of every weight (biases too) before each update (coupled L2, not
    AdamW's decoupled decay). 0: none.
gradient_clip : float or None
    Largest gradient norm: before each Adam update, the gradients of all the
    network's weights, taken together as one vector, are rescaled so that its
    L2 norm is at most ``gradient_clip``
    (:func:`torch.nn.utils.clip_grad_norm_`: the direction is kept, values are
    not clipped one by one). None: no clipping. Guards against exploding
    gradients.
patience : int
    Epochs (passes over the training rows, not gradient steps) in a row without
    a new lowest validation loss after which early stopping ends the fit; any
    decrease counts. Used only with ``early_stopping=True``.
random_state : int, RandomState instance or None
    Seed of everything random in a fit: the initial weights, the order of the
    batches, dropout and, where it is random (the sequence estimators'), the
    validation split. An int gives the same weights at every fit (bit-identical
    on the CPU); a RandomState instance or None (numpy's global random state)
    gives a seed drawn from it, so successive fits differ. Torch's global random
    state is left as it was.
device : {"cpu", "cuda", "auto"} or "cuda:N"
    Where the network trains and predicts: the CPU, the current GPU, GPU ``N``,
    or ``"auto"`` (``"cuda"`` when torch sees a GPU, else ``"cpu"``). A CUDA
    device on a machine without CUDA is an error at ``fit``. Resolved in
    ``device_``.
n_threads : int or "auto"
    Torch threads for training and prediction, set for the call and restored
    after it (scikit-learn's ``n_jobs`` for one model). ``"auto"``: one thread,
    unless a training step is large (at least 3e8 multiply-adds: batch x
    recurrent steps x gates x hidden x (hidden + inputs), x3 for the backward
    pass) and the machine has at least 4 cores; then half the cores, at most 4.
    A recurrent step is a chain of small matrix products that a second thread
    barely speeds up, while threads that wait for each other on a busy machine
    cost many times what they save (``benchmarks/threads.py``). The choice
    depends on the model and data, never on the load: the same seed gives the
    same result on a busy machine. Resolved in ``n_threads_``.
verbose : int
    0: silent. Any other value (there are no further levels) prints on stdout
    a start-up line (training and validation windows or sequences, the choices
    made for the data, networks and their parameter count, batch size, the
    budget of gradient steps, threads), one line per epoch,
    ``epoch    3  train_loss 0.41  valid_loss 0.52  0.01s`` (the mean loss of
    the epoch's batches, the validation loss when there is a validation set,
    and the epoch's seconds), and an end-of-fit line: the epochs run, why
    training stopped (patience, or the step budget and which of ``max_steps``
    / ``max_epochs`` set it), the best epoch and whether its weights were kept.
    Each line of an ensemble's network starts with ``network 2/3``. Warnings
    are not affected: a ``sklearn.exceptions.ConvergenceWarning`` says when the
    validation loss of a network (of half an ensemble or more) was lowest after
    its first epoch and did not improve for ``patience`` epochs.
module_ : torch.nn.Module
    The trained network, in eval mode on ``device_``: the recurrent stack and a
    linear output layer. A forecaster with ``n_ensembles_`` above 1 has an
    ensemble whose ``members`` are the networks and whose output is their mean.
history_ : list of dict
    One dict per epoch: ``epoch`` (numbered on across ``warm_start`` fits),
    ``train_loss``, ``valid_loss`` (None without a validation set), ``steps``
    (gradient steps of that fit so far) and ``seconds``, and ``member`` (the
    network's index) in an ensemble. Losses are on the scale the network learns:
    scaled targets (a forecaster's relative to its ``local_level_`` baseline),
    cross-entropy for a classifier.
n_epochs_ : int
    Epochs trained, ``len(history_)``: summed over the networks of an ensemble
    and over the ``fit`` calls of a ``warm_start`` run. The last epoch of a fit
    that ``max_steps`` ends may be partial (see ``history_``'s ``steps``).
n_threads_ : int
    Torch threads used in fit (``n_threads`` resolved); predict uses them too.
batch_size_ : int
    The batch size used: ``batch_size`` resolved, at most the number of
    training rows (windows or sequences).
device_ : str
    The device the network is on (``device`` resolved: ``"cpu"``, ``"cuda"`` or
    ``"cuda:N"``); ``"cpu"`` after a model trained on a GPU is unpickled or
    loaded on a machine without one.
"""
)

#: the forecasters' entries: RNNForecaster's training parameters, and the column
#: roles, panel keys and fitted names every forecaster shares
FORECASTING = _entries(
    """
horizon : int
    Steps forecast after the end of each history: ``predict`` returns
    ``horizon`` rows per series, and ``score`` / ``rolling_forecasts`` forecast
    this many steps from each origin. RNNForecaster forecasts them all at once
    (one output per step, no recursion).
target : str, list of str or None
    Column(s) of a DataFrame to forecast. None: every column that is not a
    covariate or a panel key (with ``fit(X, y)``: the columns of ``y``; a Series
    is its own target).
past_covariates : str, list of str or None
    Columns known only up to the present (e.g. measured temperature): input
    channels of every window, standardized over all series, never forecast.
future_covariates : str, list of str or None
    Columns known ahead (calendar, planned promotions): input channels like
    ``past_covariates``, and their values over the ``horizon`` also feed the
    output layer; ``predict`` then needs them for the forecast steps
    (``future=``).
static_covariates : str, list of str or None
    Columns constant within each series of a panel (e.g. store size): an input
    channel repeated at every step. A column that varies within a series is
    refused.
id_col : str or None
    Column of a long panel naming the series of each row, used with
    ``time_col``. None: a two-level row MultiIndex ``(series_id, time)`` keys a
    panel; otherwise the data is one series (or one frame of targets).
time_col : str or None
    Column holding each row's time label. None: the index (its second level
    for a ``(series_id, time)`` MultiIndex).
freq : str, int or None
    The regular grid of the time labels. None: inferred from the data, and
    data with missing steps is refused with the frequency to pass here. A
    pandas offset alias ('h', 'B', 'W-SUN', 'MS', ...; for a DatetimeIndex or
    PeriodIndex) or an int step (integer index): ``fit``, ``predict``,
    ``score`` and ``backtest`` put each series (covariates too) on that grid
    from its first label, as ``asfreq`` does; a missing step becomes a NaN
    target (masked in training) and forecasts follow the grid. A label off
    the grid is an error naming it, never dropped or moved.
learning_rate : float
    Adam's step size (the starting one with ``lr_schedule="cosine"``).
batch_size : int or "auto"
    Training windows per gradient step. ``"auto"``: the power of two nearest
    ``n_windows / 150`` within [16, 512], where ``n_windows`` counts the
    training windows of all series (about 150 steps per epoch: small data gets
    the many small steps it needs, large data batches of 512). Resolved in
    ``batch_size_``.
max_epochs : int or None
    Most passes over the training windows in one ``fit`` (None: no limit);
    bounds tiny data, whose ``max_steps`` would otherwise be that many passes
    over a few windows.
max_steps : int or None
    Training budget in gradient steps (batches) of one ``fit``, for each network
    of an ensemble: the fit ends after ``max_steps`` steps or ``max_epochs``
    epochs, whichever comes first, or earlier by early stopping. With
    ``batch_size="auto"`` a step costs at most a batch of 512 windows, so the
    cost of a fit is bounded whatever the size of the data. None: only
    ``max_epochs`` limits it (both None is an error).
early_stopping : bool
    Hold out the temporal tail of every series (``validation_fraction``; never
    shuffled), compute the loss on it after every epoch, end the fit after
    ``patience`` epochs without improvement, and keep the weights of the epoch
    with the lowest validation loss (also when the budget ends the fit first);
    each network of an ensemble stops on its own. When no series is long
    enough for a tail, a warning says so and the fit runs its whole budget.
    False: train on every window and keep the last weights.
validation_fraction : float
    With ``early_stopping``, the share in (0, 1) of each series' windows held
    out as its validation tail: its last ``max(1, round(validation_fraction *
    n_windows))`` windows, where the series has that many plus ``horizon + 1``
    (a shorter series trains on all of its windows). The ``horizon - 1``
    windows before the tail are not trained on, so that training targets end
    before the first validation target.
warm_start : bool
    True: a ``fit`` of a fitted forecaster continues training its network(s)
    for another budget (with a new Adam state and ``lr_schedule``), appends to
    ``history_``, and keeps the first fit's scaling (``center_``, ``scale_``),
    ``target_transform_``, ``local_level_`` and ``n_ensembles_``. It needs the
    same series, targets and covariate columns, and the same network shape; a
    fit that would change them is refused naming what changed, never
    restarted silently. False: every ``fit`` starts from new weights.
freq_ : str
    The frequency of the training time axis, which new data must have: a
    pandas offset alias (``"MS"``, ``"h"``, ``"W-SUN"``, ...) for a DatetimeIndex
    or PeriodIndex, the integer step as a string (``"1"``) for an integer index.
target_names_ : list of str
    The target columns; the forecast's columns are named after them.
series_ids_ : list
    Series ids seen in fit, in order (``[None]`` for one series).
"""
)

#: the sequence estimators' entries (RNNRegressor, RNNClassifier)
SEQUENCE = _entries(
    """
bidirectional : bool
    Read each sequence forwards and backwards (a second recurrent stack); the
    output layer reads the final hidden states of both directions
    (``2 * hidden_size`` values; the per-step estimators: both directions' states
    at every step, so a step's output also reads the steps after it). About
    doubles the cost.
embedding_dim : int or None
    If set, ``X`` holds integer token ids (0 = padding) that go through
    ``nn.Embedding(vocab_size_, embedding_dim, padding_idx=0)``, a learned
    vector of this length per token.
features_per_step : int or None
    How to read a 2-D ``X`` (a numpy array, or what a scikit-learn transformer
    such as ``StandardScaler`` hands on in a Pipeline). None: each row is one
    univariate sequence, one column per step. An int ``k``: each row is ``k``
    features x ``n_steps`` steps flattened feature-major (all steps of the
    first feature, then of the next), the column order of
    :func:`tsrnn.make_windows` on a multivariate frame; set it to the number of
    features so that the network reads ``k`` features over ``n_steps`` steps,
    not one feature over ``k * n_steps``. 3-D, list and MultiIndex-DataFrame
    input carry their structure and ignore it.
max_length : int or None
    Keep at most this many steps of each sequence, in ``fit`` and ``predict``
    alike (after its padding is trimmed; a missing value inside a sequence is a
    step). Bounds the cost and memory of very long sequences. None keeps every
    step.
truncating : {"pre", "post"}
    Which steps ``max_length`` drops: ``"pre"`` the first ones (keeps the most
    recent steps, what a forecast reads), ``"post"`` the last ones; as Keras'
    ``pad_sequences(maxlen, truncating=...)``.
learning_rate : float
    Adam's step size (the starting one with ``lr_schedule="cosine"``). The
    default learns small problems in 100 epochs (e.g. scikit-learn's toy
    problems of 200-300 samples) and stays stable on larger ones.
batch_size : int or "auto"
    Sequences per gradient step. ``"auto"``: the power of two nearest
    ``n_train / 150`` within [16, 512] (about 150 steps per epoch), resolved in
    ``batch_size_``.
max_epochs : int or None
    Most passes over the training sequences in one ``fit`` (None: no limit,
    ``max_steps`` ends the fit).
max_steps : int or None
    Training budget in gradient steps of one ``fit``: it ends after
    ``max_steps`` batches or ``max_epochs`` epochs, whichever comes first, so
    its cost does not grow with the data. None: only ``max_epochs`` limits it
    (both None is an error). The default leaves small data its 100 epochs (up
    to 640 sequences at ``batch_size=32``) and bounds the cost on larger data.
early_stopping : bool
    Hold out ``validation_fraction`` of the samples (at random, from
    ``random_state``), compute the loss on them after every epoch, end the fit
    after ``patience`` epochs without improvement, and keep the weights of the
    epoch with the lowest validation loss (also when the budget ends the fit
    first). False: train on every sample and keep the last weights.
validation_fraction : float
    With ``early_stopping``, the share in (0, 1) of the samples held out:
    ``max(1, round(validation_fraction * n_samples))``, which must leave at
    least one sample to train on.
warm_start : bool
    True: a ``fit`` of a fitted estimator continues training its network for
    another budget (with a new Adam state and ``lr_schedule``), appending to
    ``history_``. ``X`` and ``y`` are then checked against the fitted network as
    at predict time (a batch without missing values keeps the mask channel,
    token ids must be below ``vocab_size_``); a fit that would need another
    network (changed ``hidden_size``, number of features, outputs or classes,
    ...) is refused, never restarted silently. False: every ``fit`` starts from
    new weights.
n_features_in_ : int
    Columns of a 2-D ``X`` (each a time step of a univariate sequence), or
    features per step of 3-D / list / MultiIndex-DataFrame input.
feature_names_in_ : ndarray of str
    Column names of a DataFrame ``X`` (first level for MultiIndex columns);
    only when they are all strings.
layout_ : {"table", "sequences"}
    Whether ``fit`` saw a 2-D table or a sequences form.
n_step_features_ : int
    Features per step the network reads (1 for a univariate 2-D table,
    ``features_per_step`` for flattened windows).
step_names_in_ : ndarray of str
    Step labels (second column level) of a ``(feature, step)`` DataFrame
    ``X``, in column order; only when fitted on one. ``predict`` refuses
    windows whose steps are reordered or relabelled.
mask_channel_ : bool
    Whether the training data had interior missing values, so the network
    gets one observed-indicator channel per feature.
vocab_size_ : int
    Largest token id seen in fit plus one (only with ``embedding_dim``).
"""
)
