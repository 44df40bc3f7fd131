"""Command line entry point (``tsrnn`` console script and ``python -m tsrnn``).

Today it has one command, ``tsrnn info``; ``forecast``, ``backtest`` and
``datasets`` arrive with the forecasters.

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

from tsrnn import __version__


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


def build_parser() -> argparse.ArgumentParser:
    """The ``tsrnn`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="tsrnn",
        description="Recurrent networks for sequences and time series.",
    )
    parser.add_argument("--version", action="store_true", help="print the version")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("info", help="print tsrnn, torch and device information")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"tsrnn {__version__}")
        return 0
    if args.command == "info":
        print(_info())
        return 0
    parser.print_usage()
    return 2


if __name__ == "__main__":
    sys.exit(main())
