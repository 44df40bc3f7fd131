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
import sys
import warnings

from tsrnn import _cli
from tsrnn._cli import MODELS, CLIError
from tsrnn._version import __version__


def _csv_flags(p: argparse.ArgumentParser) -> None:
    """How to read a CSV file (DATA): separator, numbers, dates."""
    g = p.add_argument_group(
        "reading a CSV file",
        "What the file leaves open is never guessed: an error names the flag "
        "that settles it.",
    )
    g.add_argument(
        "--sep",
        help="column separator, e.g. ';' or tab (default: the one of , ; tab | "
        "that cuts every line into as many fields, the comma when it does)",
    )
    g.add_argument(
        "--decimal",
        help="decimal mark, e.g. ',' (default: the dot; in a file not separated by "
        "commas, numbers like 3.306 in every cell are refused as they may be "
        "3306: pass --decimal . to read the dot as decimal mark)",
    )

    g.add_argument(
        "--thousands",
        help="mark between groups of thousands, e.g. ',' in 1,234.5, \"'\" or "
        "nbsp (a no-break space) (default: none)",
    )
    g.add_argument(
        "--dayfirst",
        action="store_true",
        help="read dates like 01/02/1990 day first, as 1 February (default: the "
        "order every date allows; an error when both orders do)",
    )
    g.add_argument(
        "--date-format",
        help="strftime codes of the times, e.g. %%d.%%m.%%Y %%H:%%M or %%m/%%d/%%Y "
        "(default: ISO 8601, or day/month/year in the order every date allows)",
    )
    g.add_argument(
        "--na-values",
        help="comma-separated cells that mean a missing value, e.g. - or n.a. "
        "(default: empty cells and pandas' NA, n/a, #N/A, ...)",
    )
    g.add_argument(
        "--encoding",
        default="utf-8-sig",
        help="text encoding, e.g. latin-1 (default: UTF-8, a byte order mark allowed)",
    )


def _model_flags(p: argparse.ArgumentParser) -> None:
    """The data's roles and the forecaster's parameters."""
    p.add_argument(
        "data", help="CSV file or bundled dataset name (see: tsrnn datasets)"
    )
    p.add_argument(
        "--horizon",
        type=int,
        required=True,
        help="how many steps ahead to forecast (required)",
    )
    p.add_argument(
        "--model",
        choices=list(MODELS),
        default="lstm",
        help="recurrent cell (default: lstm)",
    )
    p.add_argument(
        "--time-col", help="column of timestamps or integer steps (default: the first)"
    )
    p.add_argument(
        "--target",
        help="column to forecast (default: every column but the time and id columns)",
    )
    p.add_argument(
        "--id-col",
        help="column of series ids, for a file holding several series one below the "
        "other (default: none, one series)",
    )
    p.add_argument(
        "--freq",
        help="put each series on this grid: a pandas alias (B, h, MS, W-SUN) or "
        "an integer step; missing steps become NaN (default: inferred)",
    )
    p.add_argument(
        "--window",
        type=int,
        help="input length in steps (default: from the season, several seasons "
        "when the history allows)",
    )
    p.add_argument(
        "--quantiles",
        help="quantiles to forecast besides the median, e.g. 0.1,0.9 for an 80%% "
        "interval (default: none, a point forecast)",
    )
    p.add_argument(
        "--intervals",
        help="coverage of conformal prediction intervals, e.g. 0.8,0.95: calibrated "
        "on forecasts over the end of the history, so fitting takes two fits; "
        "with --quantiles at the levels of an interval (0.1,0.9 for 0.8), those "
        "are conformalized (default: none)",
    )
    p.add_argument(
        "--calibration-origins",
        type=int,
        help="with --intervals: forecast origins per series held out to calibrate "
        "them (default: the horizon, more when there are few series)",
    )
    p.add_argument(
        "--n-ensembles",
        help="networks fitted and averaged (default: auto, 3 below 3,000 training "
        "windows, else 1)",
    )
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
        "--learning-rate",
        type=float,
        help="Adam's step size (default: 0.003)",
    )
    p.add_argument(
        "--validation-fraction",
        type=float,
        help="share of each series' last windows held out for early stopping "
        "(default: 0.1)",
    )
    p.add_argument(
        "--threads",
        help="torch threads while fitting and forecasting (default: auto, 1 for "
        "small models)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed; the same seed gives the same forecast (default: 0, "
        "where the library's random_state=None draws one)",
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress lines; warnings are still shown (default: progress shown)",
    )
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,  # tsrnn --debug CMD and tsrnn CMD --debug alike
        help="show the traceback of an error",
    )


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line, like every other error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``tsrnn`` argument parser."""
    parser = _Parser(prog="tsrnn", description="Recurrent networks for time series.")
    parser.add_argument("--version", action="store_true", help="print the version")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error"
    )
    sub = parser.add_subparsers(dest="command")
    for name, helptext in (
        ("forecast", "fit and forecast the next --horizon steps"),
        ("backtest", "rolling-origin errors vs seasonal naive"),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
        _model_flags(p)
        if name == "forecast":
            p.add_argument(
                "--output", help="write the forecast to this CSV file (default: none)"
            )
            p.add_argument(
                "--plot",
                help="write a PNG of history, forecast and intervals to this file "
                "(default: none; needs the plot extra)",
            )
            p.add_argument(
                "--plot-history",
                type=int,
                default=None,
                help="show only the last N steps of history (default: all)",
            )
        else:
            p.add_argument(
                "--start",
                default="0.8",
                help="first time forecast: a share of the timestamps (0.8), a step "
                "count (120), a timestamp (2020-03-01) or, on integer times, one of "
                "them above the count (1990) (default: 0.8)",
            )
            p.add_argument(
                "--refit",
                action="store_true",
                help="refit the model at every origin, with a progress bar over the "
                "origins (default: fit once, before the first origin)",
            )
            p.add_argument(
                "--stride",
                type=int,
                default=1,
                help="steps between forecast origins (default: 1, every step)",
            )
        _csv_flags(p)
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
        "forecast": _cli.forecast,
        "backtest": _cli.backtest,
        "datasets": _cli.datasets,
        "info": lambda a: print(_cli.info()) or 0,
    }
    if args.command is None:
        parser.print_usage()
        return 2
    args.source, args.hint = None, lambda: ""

    def show(message, category, filename, lineno, file=None, line=None):
        # one line, advice in flags: where in tsrnn it was raised is no help here
        text = " ".join(_cli.message(message, args.source).split())
        print(f"tsrnn {args.command}: warning: {text}", file=sys.stderr)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show
            return commands[args.command](args)
    except Exception as exc:  # every failure is one line; --debug shows the traceback
        if args.debug:
            raise
        expected = isinstance(exc, CLIError | ValueError | TypeError | OSError)
        message = " ".join(_cli.message(exc, args.source, args.hint()).split())
        if not expected:  # not a problem of the input: say what it was
            message = (
                f"{type(exc).__name__}: {message} (run with --debug for the traceback)"
            )
        print(f"tsrnn {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
