"""Read a CSV file the way its author wrote it: separator, decimal mark, dates.

The command line's reader (``tsrnn forecast FILE``). What the file leaves open is
decided only where a single reading fits every line; otherwise the reader stops
with an error naming the setting that decides it (``sep``, ``decimal``,
``thousands``, ``dayfirst``, ``date_format``, ``encoding``), which the command
line shows as its flag (``--sep ';'``). Values are never reinterpreted: a date
that reads both ways (``01/02/1990``) is not guessed, a number with a decimal
comma is not read as text, ``1700.0`` is the year 1700 only because it is a
whole number.

Examples
--------
>>> import io
>>> text = "date;sales\\n13/01/2024;1,5\\n14/01/2024;2,25\\n"
>>> frame = read_csv(io.StringIO(text), decimal=",")
>>> frame["sales"].tolist(), frame["date"].dt.strftime("%d %B").tolist()
([1.5, 2.25], ['13 January', '14 January'])
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from tsrnn._csv_times import first_time_column, numeric_times, read_times
from tsrnn.exceptions import ParameterFixableError

__all__ = ["SEPARATORS", "read_csv"]

#: the separators the reader tells apart when ``sep`` is not given
SEPARATORS = (",", ";", "\t", "|")
_SAMPLE_LINES = 200
#: a number with a currency sign before it or a unit after it (20.9%, $1,234, 2.97M)
_WITH_UNIT = re.compile(r"\s*[$€£¥]?\s*[+-]?\(?\d[\d.,]*\)?\s*(?:%|[kKMB]|bn)?\s*")
#: marks that group thousands besides ',' and '.' (French, Swiss, ISO 31-0)
_GROUP_MARKS = (" ", "\xa0", "\u202f", "'", "\u2019")
#: names the command line takes for marks that are hard to type
MARK_NAMES = {"\t": "tab", "\xa0": "nbsp", "\u202f": "nnbsp"}
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*),\d+\s*$")
_THOUSANDS = {
    ",": re.compile(r"^\s*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$"),
    ".": re.compile(r"^\s*[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?\s*$"),
}


def _sample(source, encoding: str) -> list[str]:
    """The first lines of the file (whole lines only) for sniffing."""
    if isinstance(source, io.StringIO):
        text = source.getvalue()
    else:
        with open(source, "rb") as f:
            raw = f.read(1 << 16)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(raw) - 4:  # not a character cut at the sample's end
                raise ParameterFixableError(
                    f"the file is not {encoding} text (byte {raw[exc.start]:#x} at "
                    f"offset {exc.start}).",
                    {"encoding": "latin-1"},
                    "if it was written by a Windows or older program",
                    remedy="the encoding its author used",
                ) from None
            text = raw[: exc.start].decode(encoding)
    lines = text.splitlines()
    whole = lines if len(lines) < _SAMPLE_LINES + 1 else lines[:_SAMPLE_LINES]
    return [line for line in whole if line.strip()]


def sniff_separator(lines: list[str]) -> str:
    """The one separator of :data:`SEPARATORS` that cuts every sampled line into
    the same number (> 1) of fields; the comma when it does; else an error.

    Examples
    --------
    >>> sniff_separator(["date;value", "2024-01-01;1,5", "2024-01-02;2"])
    ';'
    """
    fits = []
    for sep in SEPARATORS:
        counts = {len(row) for row in csv.reader(lines, delimiter=sep)}
        if len(counts) == 1 and counts.pop() > 1:
            fits.append(sep)
    if not fits or "," in fits:
        return ","  # one column, or the comma: pandas' own default
    if len(fits) == 1:
        return fits[0]
    shown = " or ".join(repr(s) for s in fits)
    raise ParameterFixableError(
        f"the columns of the file may be separated by {shown}: every line has as many "
        "of each.",
        {"sep": fits[0]},
        "if that is the separator",
    )


def _to_numbers(cells: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Text numbers with these marks (of any width: a no-break space too), as
    float64; NaN where a cell is empty or reads as no number with them."""
    text = cells.astype("string").str.strip()
    if thousands:
        text = text.str.replace(thousands, "", regex=False)
    if decimal != ".":
        text = text.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _number_style(
    column: pd.Series,
    name: str,
    decimal: str,
    thousands: str | None,
    line,
    others: list[str] | None = None,
    na_values: list[str] | None = None,
) -> None:
    """Refuse a column of numbers that the marks given do not read: numbers in
    another style (decimal comma, thousands marks), naming the setting, or a few
    cells that are no numbers (``-``, ``20%``), naming them and their lines.
    A column of text (most cells no numbers) is left as it is.

    ``column`` holds the cells as written (text); ``line(row)`` is a row's CSV line.
    """
    cells = column.dropna().astype(str).str.strip()
    cells = cells[cells != ""]
    odd = cells[_to_numbers(cells, decimal, thousands).isna()]
    if odd.empty:
        return
    other = "," if decimal == "." else "."
    none = pd.Series(False, index=odd.index)
    comma = odd.str.match(_DECIMAL_COMMA) if decimal == "." else none
    grouped = odd.str.match(_THOUSANDS[other]) if thousands is None else none
    styled = comma | grouped
    for mark in _GROUP_MARKS if thousands is None else ():
        pattern = re.compile(
            rf"\s*[+-]?\d{{1,3}}(?:{re.escape(mark)}\d{{3}})+(?:[.,]\d+)?\s*"
        )
        marked = odd.str.fullmatch(pattern)
        if marked.any() and (marked | odd.str.fullmatch(_DECIMAL_COMMA)).all():
            commas = odd.str.contains(",").any() and decimal == "."
            raise ParameterFixableError(
                f"column {name!r} holds numbers with {MARK_NAMES.get(mark, mark)!r} "
                f"between groups of thousands ({odd[marked].iloc[0]!r}).",
                {"thousands": mark, **({"decimal": ","} if commas else {})},
                "to read them",
            )
    numbers = styled | odd.str.fullmatch(_WITH_UNIT)  # 20.9%, $1,234, 2.97M
    if 2 * (len(cells) - len(odd) + int(numbers.sum())) < len(cells):
        return  # mostly text: a column of names or notes, not numbers
    example = odd[styled].iloc[0] if styled.any() else odd.iloc[0]
    if styled.all() and comma.all():
        raise ParameterFixableError(
            f"column {name!r} holds numbers written with a comma ({example!r}).",
            {"decimal": ","},
            "if the comma is the decimal mark",
            remedy="thousands=',' if it groups thousands" if grouped.all() else "",
        )
    if styled.all():
        raise ParameterFixableError(
            f"column {name!r} holds numbers with {other!r} between groups of "
            f"thousands ({example!r}).",
            {"thousands": other},
            "to read them",
        )
    bad = odd[~styled]
    skip = (
        f"target=NAME, one of {others}, to forecast those and not read {name!r}"
        if others
        else ""
    )
    shown = ", ".join(f"{v!r} (CSV line {line(r)})" for r, v in bad.iloc[:3].items())
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    words = sorted({v for v in bad if not any(ch.isdigit() for ch in v)})
    if words and len(words) == len(set(bad)):  # placeholders for missing values
        raise ParameterFixableError(
            f"column {name!r} holds cells that are no numbers: {shown}{more}.",
            {"na_values": ",".join([*(na_values or []), *words])},
            "if they mark missing values",
            remedy=skip,
        )
    raise ParameterFixableError(
        f"column {name!r} holds cells that are no numbers: {shown}{more}.",
        {},
        remedy="Write them as plain numbers (20.9% as 20.9), or leave the cell "
        f"empty for a missing value{'; or ' + skip if skip else ''}",
    )


def read_csv(
    source,
    *,
    time_col: str | None = None,
    id_col: str | None = None,
    target: str | list[str] | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    encoding: str = "utf-8-sig",
    na_values: list[str] | None = None,
) -> pd.DataFrame:
    """A CSV file as a frame whose time column holds dates or integer steps.

    Parameters
    ----------
    source : str, path or io.StringIO
        The file.
    time_col : str or None, default=None
        The column of times; None: the first column whose cells all read as
        dates (a panel may start with its ids), else the first column.
    id_col : str or None, default=None
        The column of series ids, read as text as written (``"007"`` stays
        ``"007"``).
    target : str, list of str or None, default=None
        The columns to forecast; None: every other column. Only these are
        checked for numbers written in another style than ``decimal``.
    sep : str or None, default=None
        The separator; None: the one of :data:`SEPARATORS` that cuts every line
        into the same number of fields (the comma when it does).
    decimal : str or None, default=None
        The decimal mark. None: the dot, and in a file not separated by commas,
        a column whose every number is like ``3.306`` is refused (the dot may
        group thousands there); pass ``"."`` to read the dot as decimal mark.
    thousands : str or None, default=None
        The mark between groups of thousands, if the file has one.
    dayfirst : bool or None, default=None
        Read day/month/year dates (True) or month/day/year ones (False); None:
        the one order every value allows, an error when both do.
    date_format : str or None, default=None
        strftime codes of the times (``"%d.%m.%Y %H:%M"``); None: see
        :func:`read_times`.
    encoding : str, default="utf-8-sig"
        The text encoding (UTF-8, a byte order mark allowed).
    na_values : list of str or None, default=None
        Cells that mean "no value" besides pandas' own (empty, ``NA``, ``n/a``,
        ``#N/A``, ...), e.g. ``["-"]``.

    Returns
    -------
    DataFrame
        The columns as read, the time column converted, in the file's row order;
        ``attrs["time_col"]`` names the time column. Rows with no cell at all and
        columns with neither a header nor a cell (what a spreadsheet export adds)
        are left out and counted in ``attrs["skipped"]``.

    Raises
    ------
    ParameterFixableError
        A reading the file leaves open or does not allow, naming the setting.
    ValueError
        ``time_col``, ``id_col`` or ``target`` that is not a column.
    """
    comments = _leading_comments(source, encoding)
    if sep is None:
        sep = sniff_separator(_sample(source, encoding)[comments:])
    options = dict(
        sep=sep,
        encoding=encoding,
        index_col=False,
        na_values=na_values,
        skiprows=comments,
    )

    def read(**kwargs) -> pd.DataFrame:
        if isinstance(source, io.StringIO):
            source.seek(0)
        try:
            frame = pd.read_csv(source, **options, **kwargs)
        except UnicodeDecodeError as exc:
            raise ParameterFixableError(
                f"the file is not {encoding} text ({exc.reason} at byte {exc.start}).",
                {"encoding": "latin-1"},
                "if it was written by a Windows or older program",
                remedy="the encoding its author used",
            ) from None
        except pd.errors.EmptyDataError:
            raise ValueError("the file is empty: no header, no rows.") from None
        except pd.errors.ParserError as exc:
            raise ValueError(
                f"the file cannot be read as CSV with sep={sep!r}: "
                f"{str(exc).splitlines()[0]}"
            ) from None
        # a header's surrounding blanks (a tab-separated file's) are no part of it
        stripped = [c.strip() if isinstance(c, str) else c for c in frame.columns]
        if len(set(stripped)) == len(stripped):
            frame.columns = stripped
        return frame

    text = read(dtype=str)  # the cells as written
    if text.empty:
        raise ValueError(
            f"the file has a header ({list(text.columns)}) but no rows of data."
        )
    # what a spreadsheet export adds: rows of separators only, and a column
    # without a header or a value (a separator at the end of every line)
    blank = text.isna().all(axis=1)
    empty = [
        c
        for c in text.columns
        if str(c).startswith("Unnamed: ") and text[c].isna().all()
    ]
    text = text.loc[~blank].drop(columns=empty)
    for role, col in (("time_col", time_col), ("id_col", id_col)):
        if col is not None and col not in text.columns:
            _not_a_column(role, col, text, sep)
    if time_col is None:
        time_col = first_time_column(text, id_col)
    targets = [target] if isinstance(target, str) else target
    for col in targets or ():
        if col not in text.columns:
            _not_a_column("target", col, text, sep)
    exact = _lines_are_rows(source, len(blank) + comments)
    line = (lambda r: r + 2 + comments) if exact else (lambda r: f"~{r + 2 + comments}")
    mark = decimal or "."
    values = targets or [c for c in text.columns if c not in (time_col, id_col)]
    for col in values:
        others = None if targets else [c for c in values if c != col]
        _number_style(text[col], col, mark, thousands, line, others, na_values)
        if decimal is None and thousands is None and sep != ",":
            _dot_groups(text[col], col)
    frame = read(dtype={c: str for c in (time_col, id_col) if c is not None})
    frame = frame.loc[~blank].drop(columns=empty)
    frame.attrs["skipped"] = {
        "rows": int(blank.sum()),
        "columns": empty,
        "comments": comments,
    }
    for col in values:  # numbers in the marks given, read here (any mark, any width)
        if mark == "." and not thousands:
            break  # pandas' own reading
        numbers = _to_numbers(text[col], mark, thousands)
        written = text[col].notna() & (text[col].str.strip() != "")
        if numbers[written].notna().all():
            frame[col] = numbers
    if id_col is not None:
        frame[id_col] = text[id_col]  # as written: "007" stays "007"
    frame[time_col] = text[time_col]
    if date_format is None and numeric_times(text[time_col], time_col):
        frame[time_col] = pd.to_numeric(text[time_col])  # integer steps or years
    frame[time_col] = read_times(
        frame[time_col], time_col, dayfirst=dayfirst, date_format=date_format
    )
    frame.attrs["time_col"] = time_col
    # how to read the file again (as text, for advice about its columns)
    frame.attrs["csv"] = {
        "filepath_or_buffer": source,
        "sep": sep,
        "encoding": encoding,
    }
    return frame


def _leading_comments(source, encoding: str) -> int:
    """How many lines before the header start with ``#`` (a logger's notes)."""
    if isinstance(source, io.StringIO):
        lines = source.getvalue().splitlines()
    else:
        with open(source, "rb") as f:
            lines = f.read(1 << 16).decode(encoding, errors="replace").splitlines()
    count = 0
    for text in lines:
        if not text.lstrip().startswith("#"):
            break
        count += 1
    return count


def _dot_groups(cells: pd.Series, name: str) -> None:
    """In a file not separated by commas (a European export), numbers like
    ``3.306`` in every cell read as 3.306 or as 3306: refuse, naming both."""
    cells = cells.dropna().astype(str).str.strip()
    grouped = cells.str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+")
    if len(cells) and grouped.all():
        raise ParameterFixableError(
            f"column {name!r} holds numbers like {cells.iloc[0]!r} in every cell, "
            "whose dot may group thousands or mark decimals.",
            {"thousands": "."},
            "if it groups thousands",
            remedy="decimal='.' if it is the decimal mark",
        )


def _not_a_column(role: str, col, text: pd.DataFrame, sep: str):
    raise ValueError(
        f"{role}={col!r} is not a column of the file; its columns: "
        f"{list(text.columns)}"
        + (f" (read with sep={sep!r})" if len(text.columns) == 1 else "")
    )


def _lines_are_rows(source, n_rows: int) -> bool:
    """Whether each row of the file is one line (no quoted line breaks), so that
    a row is named by its CSV line exactly."""
    if isinstance(source, io.StringIO):
        return True
    with open(source, "rb") as f:
        data = f.read()
    return data.count(b"\n") + (not data.endswith(b"\n")) == n_rows + 1
