"""Command line: ``tsrnn`` console script and ``python -m tsrnn``.

Commands: ``forecast`` (fit and forecast a CSV or a bundled dataset, print the
table, write CSV/PNG), ``backtest`` (rolling-origin errors of the model and of
seasonal naive side by side), ``datasets`` (list bundled data), ``info``.
Errors are one line on stderr with exit code 1 (``--debug`` shows the traceback).

Examples
--------
>>> from tsrnn.__main__ import main
>>> main(["--version"])  # doctest: +ELLIPSIS
tsrnn ...
0
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
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
    "max_epochs": "--max-epochs",
    "max_steps": "--max-steps",
    "random_state": "--seed",
    "validation_fraction": "--validation-fraction",
}
#: ``name=value`` in a message, for a parameter that has a flag
_SETTING = re.compile(r"\b(" + "|".join(FLAGS) + r")=('[^']*'|\[[^\]]*\]|-?[\w.]*\w)")


class CLIError(Exception):
    """A user error: printed as one line."""


def _as_flag(name: str, value) -> str:
    """``--flag value`` as typed on the command line (a list comma-separated)."""
    if isinstance(value, list | tuple):
        value = ",".join(str(v) for v in value)
    return f"{FLAGS[name]} {value}"


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


def _message(exc: Exception, source=None, panel_hint: str = "") -> str:
    """An error (or warning) as one line whose advice can be followed from the
    command line.

    A :class:`~tsrnn.exceptions.ParameterFixableError` (or warning) keeps its
    advice apart from the problem: its parameters are given as the flags that
    set them, the rows at fault as CSV lines (``source``: each row's position in
    the CSV, and whether the line numbers are exact), and its Python alternative
    is left out. ``panel_hint`` follows advice about the data's rows.
    """
    from tsrnn.exceptions import _Fixable

    if not isinstance(exc, _Fixable):
        return _flagged(str(exc))
    problem = _flagged(exc.problem)
    if exc.params and set(exc.params) <= set(FLAGS):
        settings = " ".join(_as_flag(k, v) for k, v in exc.params.items())
        advice = " ".join(p for p in (f"Pass {settings}", exc.effect) if p)
        advice += f", or {exc.remedy}" if exc.remedy else ""
        return f"{problem} {advice}."
    problem = problem.rstrip(".")
    where = _csv_rows(exc.rows, source) if exc.rows else ""
    problem += f", e.g. {where}." if where else "."
    remedy = f"{exc.remedy}." if exc.remedy else ""
    return " ".join(p for p in (problem, remedy, panel_hint) if p)


def _panel_hint(path: Path, time_col: str, target) -> str:
    """Advice to pass ``--id-col`` when the CSV, read as one series, repeats
    timestamps that a column tells apart (its values as written, ``--id-col``
    reads them so, meet each timestamp once)."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str)
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


def _one_zone(column, utc):
    """The instants ``utc`` in the time zone whose UTC offsets ``column`` wrote.

    A tz-aware frame written to CSV keeps each timestamp's offset (+01:00, then
    +02:00 after a DST change), not its zone. The first IANA zone (in name
    order) whose offset at every instant is the one written gives back the
    author's wall clock, so daily data stays daily; when none does, UTC.
    """
    import zoneinfo

    import numpy as np
    import pandas as pd

    offset = r"(?:Z|[+-]\d\d:?\d\d)$"
    try:
        wall = pd.to_datetime(
            column.str.strip().str.replace(offset, "", regex=True), format="ISO8601"
        )
    except (ValueError, TypeError, AttributeError):
        return utc
    naive = utc.dt.tz_localize(None)
    shift = (wall - naive).to_numpy()
    # each run of one offset: its first and last row are enough to rule a zone out
    edges = np.flatnonzero(np.diff(shift) != np.timedelta64(0))
    probe = np.unique(np.r_[0, edges, edges + 1, len(shift) - 1])

    def fits(zone: str, rows) -> bool:
        local = utc.iloc[rows].dt.tz_convert(zone).dt.tz_localize(None)
        return bool((local == wall.iloc[rows]).all())

    for zone in sorted(zoneinfo.available_timezones()):
        if fits(zone, probe) and fits(zone, slice(None)):
            return utc.dt.tz_convert(zone)
    return utc


def _times(column, name: str, given: bool):
    """The CSV's time column as its author wrote it: dates (naive stay naive;
    UTC offsets, which differ across a DST change, are read as the instants they
    name, in the zone whose offsets they are, else in UTC) or integer steps.
    Values are never reinterpreted."""
    import pandas as pd

    if pd.api.types.is_integer_dtype(column):
        return column
    if not pd.api.types.is_numeric_dtype(column):
        try:
            return pd.to_datetime(column)
        except (ValueError, TypeError) as exc:
            error = str(exc).splitlines()[0]
            try:  # offsets that differ (a DST change): the instants they name
                aware = pd.to_datetime(column.iloc[:1]).dt.tz is not None
                if aware:  # pandas reads every value in the first one's format
                    return _one_zone(column, pd.to_datetime(column, utc=True))
            except (ValueError, TypeError):
                pass
    else:
        error = f"it holds {column.dtype} numbers"
    fix = (
        "Write them as ISO 8601 timestamps (2024-03-31T01:00:00+01:00) or integer "
        "steps in the CSV."
        if given
        else "Pass --time-col NAME, the column of timestamps (default: the first)."
    )
    raise CLIError(
        f"the time column {name!r} cannot be read as dates or integer steps "
        f"({error}). {fix}"
    )


def _info() -> str:
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


def _quantiles(text: str | None) -> list[float] | None:
    if not text:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError as exc:
        raise CLIError(
            f"--quantiles must be comma-separated numbers like 0.1,0.9; got {text!r}"
        ) from exc
    return values


def _load(args):
    """DATA -> (frame or series, id_col, time_col, target)."""
    import pandas as pd

    from tsrnn import datasets

    if args.data in DATASET_ROLES and not Path(args.data).exists():
        loader, target, id_col = DATASET_ROLES[args.data]
        data = getattr(datasets, loader)()
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
    # ids as written ("007" stays "007"), not read as numbers
    frame = pd.read_csv(path, dtype=None if args.id_col is None else {args.id_col: str})
    time_col = args.time_col or frame.columns[0]
    for col, flag in (
        (time_col, "--time-col"),
        (args.id_col, "--id-col"),
        (args.target, "--target"),
    ):
        if col is not None and col not in frame.columns:
            raise CLIError(
                f"{flag} {col!r} is not a column of {path.name}; columns: {list(frame.columns)}"
            )
    frame[time_col] = _times(frame[time_col], time_col, args.time_col is not None)
    # each row's CSV line, for errors: exact when every line holds one row
    with open(path, "rb") as f:
        text = f.read()
    n_lines = text.count(b"\n") + (not text.endswith(b"\n"))
    if not args.id_col:
        args.hint = lambda: _panel_hint(path, time_col, args.target)
    if args.id_col is None:
        frame = frame.sort_values(time_col, kind="stable")
        args.source = (frame.index.to_numpy(), n_lines == len(frame) + 1)
        frame = frame.set_index(time_col)
        return frame, None, None, args.target
    args.source = (frame.index.to_numpy(), n_lines == len(frame) + 1)
    return frame, args.id_col, time_col, args.target


def _model(args, id_col, time_col, target):
    import tsrnn
    from tsrnn._param_validation import invalid_parameter

    cls = getattr(tsrnn, MODELS[args.model])
    # a flag not given leaves the forecaster's default
    given = {
        name: getattr(args, name)
        for name in ("validation_fraction", "max_epochs", "max_steps")
        if getattr(args, name) is not None
    }
    model = cls(
        horizon=args.horizon,
        window=args.window,
        quantiles=_quantiles(args.quantiles),
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
    return model


def _forecast(args) -> int:
    data, id_col, time_col, target = _load(args)
    model = _model(args, id_col, time_col, target).fit(data)
    forecast = model.predict()
    print(forecast.round(3).to_string())
    if args.output:
        forecast.to_csv(args.output)
        print(f"forecast written to {args.output}")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from tsrnn.plotting import plot_forecast

        history = data.set_index([id_col, time_col]) if id_col else data
        ax = plot_forecast(history, forecast, last=args.plot_history)
        ax.figure.tight_layout()
        ax.figure.savefig(args.plot, dpi=110)
        print(f"plot written to {args.plot}")
    return 0


def _scores(frame) -> dict[str, float]:
    """sMAPE, MASE and MAE of a backtest frame, by tsrnn.metrics.evaluate."""
    from tsrnn.metrics import evaluate

    errors = evaluate(frame, ["smape", "mase", "mae"])
    return {"sMAPE": errors["smape"], "MASE": errors["mase"], "MAE": errors["mae"]}


def _start(text: str):
    """``--start``: a step count (120), a share of the timestamps (0.8) or a time label."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text  # a timestamp: backtest reads it on the data's time axis


def _backtest(args) -> int:
    import tsrnn
    from tsrnn.model_selection import backtest

    data, id_col, time_col, target = _load(args)
    start = _start(args.start)
    model = _model(args, id_col, time_col, target)
    naive = tsrnn.SeasonalNaiveForecaster(
        horizon=args.horizon,
        target=target,
        id_col=id_col,
        time_col=time_col,
        freq=_freq(args.freq),
    )
    rows = {}
    for name, est in ((MODELS[args.model], model), ("seasonal naive", naive)):
        rows[name] = _scores(backtest(est, data, start=start, stride=args.stride))
    print(f"{'model':<16}{'sMAPE':>9}{'MASE':>9}{'MAE':>12}")
    for name, s in rows.items():
        print(f"{name:<16}{s['sMAPE']:>9.3f}{s['MASE']:>9.3f}{s['MAE']:>12.3f}")
    return 0


def _datasets(args) -> int:
    from tsrnn.datasets import list_datasets

    for name, text in list_datasets().items():
        print(f"{name:<16} {text}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``tsrnn`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="tsrnn", description="Recurrent networks for time series."
    )
    parser.add_argument("--version", action="store_true", help="print the version")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command")
    for name, helptext in (
        ("forecast", "fit and forecast the next --horizon steps"),
        ("backtest", "rolling-origin errors vs seasonal naive"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument(
            "data", help="CSV file or bundled dataset name (see: tsrnn datasets)"
        )
        p.add_argument("--horizon", type=int, required=True)
        p.add_argument("--model", choices=list(MODELS), default="lstm")
        (
            p.add_argument("--time-col"),
            p.add_argument("--target"),
            p.add_argument("--id-col"),
        )
        p.add_argument(
            "--freq",
            help="put each series on this grid: a pandas alias (B, h, MS, W-SUN) or "
            "an integer step; missing steps become NaN (default: inferred)",
        )
        p.add_argument("--window", type=int)
        p.add_argument("--quantiles", help="e.g. 0.1,0.9")
        p.add_argument(
            "--max-steps",
            type=int,
            help="training budget in gradient steps (default: 1000)",
        )
        p.add_argument(
            "--max-epochs",
            type=int,
            help="stop after this many epochs, if before --max-steps (default: 100)",
        )
        p.add_argument(
            "--validation-fraction",
            type=float,
            help="share of each series' last windows held out for early stopping "
            "(default: 0.1)",
        )
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--quiet", action="store_true", help="no per-epoch progress")
        p.add_argument("--debug", action="store_true", help="show tracebacks")
        if name == "forecast":
            p.add_argument("--output", help="write the forecast as CSV")
            p.add_argument(
                "--plot", help="write a PNG of history, forecast and intervals"
            )
            p.add_argument(
                "--plot-history",
                type=int,
                default=None,
                help="show only the last N steps of history",
            )
        else:
            p.add_argument(
                "--start",
                default="0.8",
                help="first origin: share of timestamps (0.8), a step count (120) or "
                "a timestamp (2020-03-01)",
            )
            p.add_argument("--stride", type=int, default=1)
    sub.add_parser("datasets", help="list the bundled datasets")
    sub.add_parser("info", help="print tsrnn, torch and device information")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"tsrnn {__version__}")
        return 0
    commands = {
        "forecast": _forecast,
        "backtest": _backtest,
        "datasets": _datasets,
        "info": lambda a: print(_info()) or 0,
    }
    if args.command is None:
        parser.print_usage()
        return 2
    args.source, args.hint = None, lambda: ""

    def show(message, category, filename, lineno, file=None, line=None):
        if isinstance(message, _Fixable):  # advice in flags, not in Python
            print(
                f"tsrnn {args.command}: warning: {_message(message, args.source)}",
                file=sys.stderr,
            )
        else:
            default(message, category, filename, lineno, file, line)

    from tsrnn.exceptions import _Fixable

    try:
        with warnings.catch_warnings():
            default, warnings.showwarning = warnings.showwarning, show
            return commands[args.command](args)
    except (
        CLIError,
        ValueError,
        TypeError,
        FileNotFoundError,
        KeyError,
        OSError,
    ) as exc:
        if getattr(args, "debug", False):
            raise
        message = _message(exc, args.source, args.hint())
        print(f"tsrnn {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
