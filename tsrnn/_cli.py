"""The command line's commands: read the data, build the model, report.

``tsrnn.__main__`` parses the arguments and calls :func:`forecast`,
:func:`backtest`, :func:`datasets` or :func:`info` with them. Errors and
warnings are given in the command line's own terms (:func:`message`): a
parameter as the flag that sets it, a row as its CSV line. Progress goes to
stderr, results to stdout.
"""

from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

from tsrnn._version import __version__
from tsrnn.exceptions import _first

MODELS = {"lstm": "LSTMForecaster", "gru": "GRUForecaster", "rnn": "RNNForecaster"}
DATASET_ROLES = {  # bundled dataset -> (loader, default target, id column)
    "air_passengers": ("load_air_passengers", None, None),
    "bike_sharing": ("load_bike_sharing", "cnt", None),
    "us_weather": ("load_us_weather", "actual_mean_temp", "city"),
}


#: forecaster parameter -> the flag that sets it, for advice given in flags
FLAGS = {
    "freq": "--freq",
    "time_col": "--time-col",
    "id_col": "--id-col",
    "target": "--target",
    "horizon": "--horizon",
    "window": "--window",
    "quantiles": "--quantiles",
    "coverage": "--intervals",
    "n_origins": "--calibration-origins",
    "max_epochs": "--max-epochs",
    "max_steps": "--max-steps",
    "random_state": "--seed",
    "validation_fraction": "--validation-fraction",
    "n_ensembles": "--n-ensembles",
    "learning_rate": "--learning-rate",
    "n_threads": "--threads",
    "sep": "--sep",
    "decimal": "--decimal",
    "thousands": "--thousands",
    "dayfirst": "--dayfirst",
    "date_format": "--date-format",
    "encoding": "--encoding",
    "na_values": "--na-values",
}
#: ``name=value`` in a message, for a parameter that has a flag
_SETTING = re.compile(
    r"\b(?:forecaster__)?(" + "|".join(FLAGS) + r")=('[^']*'|\[[^\]]*\]|-?[\w.]*\w)"
)
#: how a ConformalForecaster (--intervals) names the parameters of its model
_WRAPPED = "forecaster__"


class CLIError(Exception):
    """A user error: printed as one line."""


def _as_flag(name: str, value) -> str:
    """``--flag value`` as typed on the command line: a list comma-separated, a
    switch alone, a tab as ``tab``, quoted where the shell needs it (``';'``)."""
    import shlex

    if value is True:
        return FLAGS[name]
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    from tsrnn._csv import MARK_NAMES

    value = MARK_NAMES.get(value, str(value))  # a tab or a no-break space by name
    quoted = shlex.quote(value)
    if "'" in value and not set(value) & set('"$`\\!'):
        quoted = f'"{value}"'  # "'" rather than the shell's ''"'"''
    if value.startswith("-"):  # argparse would take it for a flag
        return f"{FLAGS[name]}={quoted}"
    return f"{FLAGS[name]} {quoted}"


def _flagged(text: str) -> str:
    """``text`` with each ``name=value`` of a parameter that has a flag written
    as the flag (``freq='D'`` -> ``--freq D``)."""
    import ast

    def flag(match: re.Match) -> str:
        try:
            value = ast.literal_eval(match.group(2))
        except (ValueError, SyntaxError):
            value = match.group(2)
        return _as_flag(match.group(1), value)

    return _SETTING.sub(flag, text)


def _csv_rows(rows: list[int], source) -> str:
    """Rows of the data passed to tsrnn, as the CSV lines they were read from."""
    if source is None:
        return ""
    positions, exact = source
    lines = sorted({int(positions[r]) + (2 if exact else 1) for r in rows})
    shown = _first(lines, 5)
    return (
        f"CSV line{'s' if len(lines) > 1 else ''} {shown}"
        if exact
        else f"data row{'s' if len(lines) > 1 else ''} {shown} (after the header)"
    )


def message(exc: Exception, source=None, panel_hint: str = "") -> str:
    """An error (or warning) as one line whose advice can be followed from the
    command line.

    A :class:`~tsrnn.exceptions.ParameterFixableError` (or warning) keeps its
    advice apart from the problem: its parameters are given as the flags that
    set them, the rows at fault as CSV lines (``source``: each row's position in
    the CSV, and whether the line numbers are exact), and its Python alternative
    is left out. ``panel_hint`` follows advice about the data's rows.
    """
    text = _in_flags(exc, source, panel_hint)
    for python, command_line in _SAID_IN_PYTHON.items():
        text = text.replace(python, command_line)
    return re.sub(r"\bX\b", "the data", text)  # what tsrnn calls the data it reads


#: what the library says in Python, as the command line says it
_SAID_IN_PYTHON = {
    "tsrnn.model_selection.backtest": "tsrnn backtest",
    "early_stopping=True": "early stopping",
    "a larger n_origins": "a larger --calibration-origins",
    "a smaller coverage": "a smaller --intervals",
}


def _in_flags(exc: Exception, source, panel_hint: str) -> str:
    from tsrnn.exceptions import _Fixable

    if not isinstance(exc, _Fixable):
        return _flagged(str(exc))
    problem = _flagged(exc.problem)
    params = {k.removeprefix(_WRAPPED): v for k, v in exc.params.items()}
    if params and set(params) <= set(FLAGS):
        settings = " ".join(_as_flag(k, v) for k, v in params.items())
        advice = " ".join(p for p in (f"Pass {settings}", exc.effect) if p)
        advice += f", or {_flagged(exc.remedy)}" if exc.remedy else ""
        return f"{problem} {advice}."
    problem = problem.rstrip(".")
    where = _csv_rows(exc.rows, source) if exc.rows else ""
    problem += f", e.g. {where}." if where else "."
    remedy = f"{_flagged(exc.remedy)}." if exc.remedy else ""
    return " ".join(p for p in (problem, remedy, panel_hint) if p)


def _panel_hint(read: dict, time_col: str, target) -> str:
    """Advice to pass ``--id-col`` when the CSV, read as one series, repeats
    timestamps that a column tells apart (its values as written, ``--id-col``
    reads them so, meet each timestamp once). ``read``: ``pandas.read_csv``'s
    arguments that read the file as text."""
    import pandas as pd

    frame = pd.read_csv(**read, dtype=str)
    if time_col not in frame or not frame[time_col].duplicated().any():
        return ""
    for col in frame.columns:
        numbers = pd.to_numeric(frame[col], errors="coerce")
        if col in (time_col, target) or (numbers.notna().all() and (numbers % 1).any()):
            continue  # the time, the target, or measurements
        if not frame.duplicated([col, time_col]).any():
            return (
                f"If the file holds several series, pass --id-col {col} (its "
                "column of series ids)."
            )
    return ""


def _freq(text: str | None) -> str | int | None:
    """``--freq``: a pandas offset alias ('B', 'h', 'MS'), or an int step."""
    if text is None:
        return None
    return int(text) if text.lstrip("+").isdigit() else text


def _mark(text: str | None) -> str | None:
    """``--sep`` / ``--thousands``: the character itself, or its name for one that
    is hard to type (``tab`` or ``\\t``, ``nbsp``, ``nnbsp``)."""
    from tsrnn._csv import MARK_NAMES

    names = {name: mark for mark, name in MARK_NAMES.items()} | {"\\t": "\t"}
    return names.get(text, text)


def info() -> str:
    import torch

    cuda = torch.cuda.is_available()
    return "\n".join(
        [
            f"tsrnn {__version__}",
            f"python {sys.version.split()[0]}",
            f"torch {torch.__version__} (threads: {torch.get_num_threads()}, "
            f"cuda: {'yes, ' + torch.cuda.get_device_name(0) if cuda else 'no'})",
        ]
    )


def _levels(text: str | None, flag: str, example: str) -> list[float] | None:
    """``--quantiles`` / ``--intervals``: comma-separated numbers; coverages in
    (0, 1) (the forecaster's checks give the advice for bad quantiles)."""
    if text is None:
        return None
    if not text.strip():
        raise CLIError(f"{flag} needs at least one number, like {example}")
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise CLIError(
            f"{flag} must be comma-separated numbers like {example}; got {text!r}"
        ) from exc
    if flag == "--intervals" and not all(0 < v < 1 for v in values):
        raise CLIError(
            f"{flag} must be numbers strictly between 0 and 1, like {example}; got "
            f"{text!r}"
        )
    return values


def _load(args):
    """DATA -> (frame or series, id_col, time_col, target)."""
    from tsrnn import datasets
    from tsrnn._csv import read_csv

    if args.data in DATASET_ROLES and not Path(args.data).exists():
        loader, target, id_col = DATASET_ROLES[args.data]
        data = getattr(datasets, loader)()
        n_series = data.index.get_level_values(0).nunique() if id_col else 1
        _say(args, f"read {args.data} (bundled): {len(data):,} rows, {n_series} series")
        if id_col is not None:
            data = data.reset_index()
            return data, id_col, "date", args.target or target
        return data, None, None, args.target or target
    path = Path(args.data)
    if not path.is_file():
        names = ", ".join(DATASET_ROLES)
        raise CLIError(
            f"DATA {args.data!r} is neither a CSV file nor a bundled dataset ({names})"
        )
    frame = read_csv(
        path,
        time_col=args.time_col,
        id_col=args.id_col,
        target=args.target,
        sep=_mark(args.sep),
        decimal=args.decimal,
        thousands=_mark(args.thousands),
        dayfirst=True if args.dayfirst else None,
        date_format=args.date_format,
        encoding=args.encoding,
        na_values=args.na_values.split(",") if args.na_values else None,
    )
    time_col = frame.attrs["time_col"]
    n_series = frame[args.id_col].nunique() if args.id_col else 1
    skipped = frame.attrs["skipped"]
    left_out = "".join(
        f"; left out {n} {what}"
        for n, what in (
            (skipped["comments"], "'#' lines before the header"),
            (skipped["rows"], "rows with no cell"),
            (len(skipped["columns"]), "columns with neither header nor cell"),
        )
        if n
    )
    _say(
        args,
        f"read {path.name}: {len(frame):,} rows, {n_series:,} series, times "
        f"({time_col!r}) {frame[time_col].min()} to {frame[time_col].max()}{left_out}",
    )
    # each row's CSV line, for errors: exact when every line holds one row
    with open(path, "rb") as f:
        text = f.read()
    n_lines = text.count(b"\n") + (not text.endswith(b"\n"))
    if not args.id_col:
        read = frame.attrs["csv"]
        args.hint = lambda: _panel_hint(read, time_col, args.target)
    if args.target is None:
        _check_text_columns(frame, time_col, args)
    if args.id_col is None:
        frame = frame.sort_values(time_col, kind="stable")
        args.source = (frame.index.to_numpy(), n_lines == len(frame) + 1)
        frame = frame.set_index(time_col)
        return frame, None, None, args.target
    args.source = (frame.index.to_numpy(), n_lines == len(frame) + 1)
    return frame, args.id_col, time_col, args.target


def _check_text_columns(frame, time_col: str, args) -> None:
    """Without ``--target`` every column but the keys is forecast: refuse text
    columns, naming the flag that reads the file (``--id-col`` for a column of
    series ids, else ``--target`` with the columns of numbers)."""
    import pandas as pd

    keys = (time_col, args.id_col)
    text = [
        c for c in frame.columns if c not in keys and frame[c].dtype.kind not in "biuf"
    ]
    if not text:
        return
    numbers = [c for c in frame.columns if c not in keys and c not in text]
    hint = args.hint()
    if not hint:
        if not numbers:
            hint = "Pass --target NAME, the column of numbers to forecast."
        elif len(numbers) == 1:
            hint = f"Pass --target {numbers[0]} to forecast it (other columns are then not read)."
        else:
            hint = (
                f"Pass --target NAME, one of {numbers}, to forecast it (other columns are "
                "then not read)."
            )
    shown = frame[text[0]].dropna()
    example = f" ({text[0]!r}: {shown.iloc[0]!r})" if len(shown) else ""
    raise CLIError(
        f"without --target every column but the times is forecast, and "
        f"{pd.Index(text).tolist()} hold{'s' * (len(text) == 1)} text, not numbers{example}. "
        f"{hint}"
    )


def _model(args, id_col, time_col, target):
    import tsrnn
    from tsrnn._param_validation import invalid_parameter

    cls = getattr(tsrnn, MODELS[args.model])
    # a flag not given leaves the forecaster's default
    given = {
        name: getattr(args, name)
        for name in ("validation_fraction", "max_epochs", "max_steps", "learning_rate")
        if getattr(args, name) is not None
    }
    for name, text in (("n_ensembles", args.n_ensembles), ("n_threads", args.threads)):
        if text is not None:  # "auto" or a count
            given[name] = int(text) if text.strip().isdigit() else text.strip()
    model = cls(
        horizon=args.horizon,
        window=args.window,
        quantiles=_levels(args.quantiles, "--quantiles", "0.1,0.9"),
        target=target,
        id_col=id_col,
        time_col=time_col,
        freq=_freq(args.freq),
        random_state=args.seed,
        verbose=0 if args.quiet else 1,
        **given,
    )
    error = invalid_parameter(model, list(FLAGS))
    if error is not None:
        raise error
    return _with_intervals(args, model)


def _with_intervals(args, model):
    """``model`` in a ConformalForecaster when ``--intervals`` is given."""
    coverage = _levels(args.intervals, "--intervals", "0.8,0.95")
    if coverage is None:
        if args.calibration_origins is not None:
            raise CLIError("--calibration-origins needs --intervals (e.g. 0.8,0.95)")
        return model
    import tsrnn

    if args.calibration_origins is not None and args.calibration_origins < 1:
        raise CLIError(
            f"--calibration-origins must be at least 1; got {args.calibration_origins}"
        )
    return tsrnn.ConformalForecaster(
        model, coverage=coverage, n_origins=args.calibration_origins
    )


def _print(text: str) -> None:
    """``text`` on stdout; a reader that stopped early (``| head``) is no error:
    the rest of stdout is dropped and the command goes on (to write its files)."""
    import os

    try:
        print(text, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _say(args, line: str) -> None:
    """A progress line on stderr (stdout holds the results), unless ``--quiet``."""
    if not args.quiet:
        print(line, file=sys.stderr, flush=True)


def _fit(args, model, *data):
    """``model.fit(*data)`` with its progress lines on stderr."""
    with contextlib.redirect_stdout(sys.stderr):
        return model.fit(*data)


def _needs(module: str, extra: str, flag: str) -> None:
    """Refuse, before any work, a flag whose optional dependency is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise CLIError(
            f"{flag} needs {module}, which is not installed: pip install "
            f"'tsrnn[{extra}]' (or leave out {flag})"
        )


def _writable(path: str | None, flag: str) -> None:
    """Refuse, before any work, an output file whose folder does not exist."""
    if path and not Path(path).resolve().parent.is_dir():
        raise CLIError(
            f"{flag} {path}: the folder {str(Path(path).resolve().parent)!r} does not "
            "exist; create it or write elsewhere"
        )


def forecast(args) -> int:
    _writable(args.output, "--output")
    _writable(args.plot, "--plot")
    if args.plot:
        _needs("matplotlib", "plot", "--plot")
    data, id_col, time_col, target = _load(args)
    model = _fit(args, _model(args, id_col, time_col, target), data)
    forecast = model.predict()
    _print(forecast.round(3).to_string())
    if args.output:
        forecast.to_csv(args.output)
        _say(args, f"forecast written to {args.output}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from tsrnn.plotting import plot_forecast

        history = data.set_index([id_col, time_col]) if id_col else data
        axes = plot_forecast(history, forecast, last=args.plot_history)
        fig = getattr(axes, "flat", [axes])[0].figure  # a panel: an array of Axes
        fig.savefig(args.plot, dpi=110)  # laid out already (constrained layout)
        _say(args, f"plot written to {args.plot}")
    return 0


def _scores(frame, coverage: list[float] | None) -> dict[str, float]:
    """sMAPE, MASE and MAE of a backtest frame, by tsrnn.metrics.evaluate; with
    intervals, the coverage of each and the MSIS of the widest."""
    from tsrnn.metrics import evaluate

    errors = evaluate(frame, ["smape", "mase", "mae"])
    out = {"sMAPE": errors["smape"], "MASE": errors["mase"], "MAE": errors["mae"]}
    for c in sorted(coverage or []):
        share = evaluate(frame, ["coverage"], coverage=c)["coverage"]
        out[f"cover{100 * c:g}"] = share
    if coverage:
        out[f"MSIS{100 * max(coverage):g}"] = evaluate(
            frame, ["msis"], coverage=max(coverage)
        )["msis"]
    return out


def _start(text: str, times):
    """``--start``: a step count (120), a share of the timestamps (0.8) or a time
    label (2020-03-01; 1990 on integer times, when it is one of them and more
    than the number of timestamps, so not a count)."""
    import numpy as np
    import pandas as pd

    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        unique = pd.unique(np.asarray(times))
        label = kind is int and pd.api.types.is_integer_dtype(unique)
        if label and value in unique and value > len(unique):  # not a count
            return int((unique < value).sum())  # the timestamps before it
        return value
    return text  # a timestamp: backtest reads it on the data's time axis


def backtest(args) -> int:
    import tsrnn
    from tsrnn.model_selection import backtest

    data, id_col, time_col, target = _load(args)
    start = _start(args.start, data[time_col] if time_col else data.index)
    model = _model(args, id_col, time_col, target)
    naive = tsrnn.SeasonalNaiveForecaster(
        horizon=args.horizon,
        target=target,
        id_col=id_col,
        time_col=time_col,
        freq=_freq(args.freq),
    )
    naive = _with_intervals(args, naive)
    if args.refit:  # a progress bar over the origins instead of each fit's epochs
        inner = getattr(model, "forecaster", model)
        inner.set_params(verbose=0)
    rows = {}
    for name, est in ((MODELS[args.model], model), ("seasonal naive", naive)):
        _say(args, f"backtest of {name}" + (", refitted at every origin" * args.refit))
        with contextlib.redirect_stdout(sys.stderr):
            frame = backtest(
                est,
                data,
                start=start,
                stride=args.stride,
                refit=args.refit,
                verbose=int(not args.quiet),
            )
        rows[name] = _scores(frame, _levels(args.intervals, "--intervals", "0.8,0.95"))
    columns = list(rows[MODELS[args.model]])
    print(f"{'model':<16}" + "".join(f"{c:>12}" for c in columns))
    for name, s in rows.items():
        print(f"{name:<16}" + "".join(f"{s[c]:>12.3f}" for c in columns))
    return 0


def datasets(args) -> int:
    from tsrnn.datasets import list_datasets

    for name, text in list_datasets().items():
        print(f"{name:<16} {text}")
    return 0
