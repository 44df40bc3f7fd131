"""Reading a CSV's time column as its author wrote it (see :mod:`tsrnn._csv`).

Integer steps and years, ISO 8601 (offsets across a DST switch read as instants),
day/month dates in the one order every value allows, quarters, ISO weeks, or a
``date_format``; what is left open is refused naming the setting that settles it.

Examples
--------
>>> import pandas as pd
>>> read_times(pd.Series(["13/01/2024", "14/01/2024"]), "date").dt.day.tolist()
[13, 14]
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from tsrnn.exceptions import ParameterFixableError, _first

__all__ = ["first_time_column", "numeric_times", "read_times"]

#: day/month/year or month/day/year with one separator: 13/01/1990, 1.2.90
_DMY = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})([ T].*)?\s*$")
_ISO_WEEK = re.compile(r"\d{4}-?W\d{2}")
_YYYYMMDD = re.compile(r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
_QUARTER = re.compile(r"\d{4}[-\s]?Q[1-4]")


def _whole_numbers(column: pd.Series) -> bool:
    values = column.dropna().to_numpy()
    return len(values) > 0 and bool(np.all(values == np.round(values)))


def _dmy_format(example: str, dayfirst: bool) -> str:
    """The strftime codes of a day/month date like ``example`` (``13.01.90 14:00``)."""
    _, sep, _, year, rest = _DMY.match(example).groups()
    codes = f"%d{sep}%m" if dayfirst else f"%m{sep}%d"
    codes += f"{sep}{'%Y' if len(year) == 4 else '%y'}"
    clock = {1: "%H", 2: "%H:%M", 3: "%H:%M:%S"}.get(len((rest or "").split(":")))
    return codes + (f"{(rest or ' ')[0]}{clock}" if rest else "")


def _day_month(column: pd.Series, name: str, dayfirst: bool | None):
    """Numeric dates with the day and the month in either order (13/01/1990 or
    01/13/1990): read the one way every value allows; refuse a file where both
    ways (or neither) read every value, naming ``dayfirst``."""
    present = column.dropna().str.strip()
    parts = present.str.extract(_DMY)
    if parts.empty or parts[0].isna().any():
        return None  # not all in this form
    first, second = parts[0].astype(int), parts[2].astype(int)
    day_first_ok = bool((second <= 12).all() and (first <= 31).all())
    month_first_ok = bool((first <= 12).all() and (second <= 31).all())
    example = present.iloc[0]
    if dayfirst is True and not day_first_ok:
        row = second.index[int(np.argmax((second > 12).to_numpy()))]
        raise ParameterFixableError(
            f"the time column {name!r} cannot be read day-first: "
            f"{present[row]!r} has no month {second[row]}.",
            {"date_format": _dmy_format(example, dayfirst=False)},
            "to read them month-first",
            rows=[column.index.get_loc(row)],
        )
    if dayfirst is None:
        if day_first_ok and month_first_ok:
            regular = [
                way
                for way, flag in (("day-first", True), ("month-first", False))
                if _regular(_read_dmy(column, example, flag))
            ]
            seen = (
                f"; only read {regular[0]} are they evenly spaced"
                if len(regular) == 1
                else ""
            )
            day, month = (
                ({"dayfirst": True}, "to read them day-first"),
                (
                    {"date_format": _dmy_format(example, False)},
                    "to read them month-first",
                ),
            )
            first_fix, other_fix = (
                (month, day) if regular == ["month-first"] else (day, month)
            )
            ((key, value),) = other_fix[0].items()
            raise ParameterFixableError(
                f"the dates in {name!r} read both day-first and month-first "
                f"({example!r}){seen}.",
                *first_fix,
                remedy=f"{key}={value!r} {other_fix[1]}",
            )
        if not (day_first_ok or month_first_ok):
            raise ParameterFixableError(
                f"the dates in {name!r} mix day-first and month-first values "
                f"({_first(present[(first > 12) | (second > 12)], 3)}).",
                {},
                remedy="Write every date in one order",
            )
        dayfirst = day_first_ok
    return _read_dmy(column, example, dayfirst)


def _read_dmy(column: pd.Series, example: str, dayfirst: bool) -> pd.Series:
    """Day/month dates in one order, with the format of ``example`` when every
    value has it (else pandas' reading of that order, value by value)."""
    try:
        return pd.to_datetime(column.str.strip(), format=_dmy_format(example, dayfirst))
    except ValueError:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return pd.to_datetime(column, dayfirst=dayfirst)


def _regular(times: pd.Series) -> bool:
    times = pd.DatetimeIndex(times.drop_duplicates().sort_values())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 on infer_freq's future type
        return len(times) >= 3 and pd.infer_freq(times) is not None


def read_times(
    column: pd.Series,
    name: str,
    *,
    dayfirst: bool | None = None,
    date_format: str | None = None,
):
    """A CSV column of times as its author wrote them.

    Integer steps stay integers, whole floats (``1700.0``) become integer steps;
    text is read with ``date_format`` when given, else as ISO 8601 (UTC offsets
    that change at a DST switch are read as the instants they name, in the time
    zone whose offsets they are, else UTC), else as day/month/year numbers in the
    one order every value allows (see ``dayfirst``), else as quarters
    (``2020Q1``, ``2020-Q1``: a quarterly PeriodIndex), else in the format pandas
    infers from the first value and applies to all.

    Raises
    ------
    ParameterFixableError
        When no reading fits every value, naming ``date_format`` or ``dayfirst``.
    """
    if pd.api.types.is_integer_dtype(column):
        return column
    if pd.api.types.is_float_dtype(column):
        if _whole_numbers(column):  # a missing time stays missing (named later)
            return column.astype(np.int64 if column.notna().all() else "Int64")
        raise ParameterFixableError(
            f"the time column {name!r} holds numbers that are not whole "
            f"({_first(column[column != column.round()].dropna(), 3)})",
            {},
            remedy="Write the times as dates or integer steps, or pass time_col=NAME "
            "if another column holds them",
        )
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(
        column
    ):
        return column
    text = column.astype("string").str.strip()
    if date_format is not None:
        try:
            return pd.to_datetime(text, format=date_format)
        except ValueError as exc:
            raise ParameterFixableError(
                f"date_format={date_format!r} does not read the time column {name!r}: "
                f"{str(exc).splitlines()[0]}",
                {},
                remedy="Pass a date_format in strftime codes that matches every "
                "value (e.g. %d.%m.%Y %H:%M)",
            ) from None
    dates = _day_month(text.astype(object), name, dayfirst)
    if dates is not None:
        return dates
    if text.dropna().str.fullmatch(_ISO_WEEK).all():  # 2021-W01: its Monday
        monday = text.str.replace(r"-?W", "-W", regex=True) + "-1"
        return pd.to_datetime(monday, format="%G-W%V-%u")
    if text.dropna().str.fullmatch(_QUARTER).all():  # 2020Q1, 2020-Q1, 2020 Q1
        return pd.Series(
            pd.PeriodIndex(text.str.replace(r"[-\s]", "", regex=True), freq="Q"),
            index=text.index,
        )
    try:
        return _iso(text)
    except ValueError:
        pass
    try:
        with warnings.catch_warnings():
            # one format, inferred from the first value, for all: never dateutil's
            # guess value by value, which may read two values in two orders
            warnings.filterwarnings("error", "Could not infer format", UserWarning)
            return pd.to_datetime(text)
    except (ValueError, TypeError, UserWarning) as exc:
        detail = (
            f"no date format fits its first value {text.dropna().iloc[0]!r}"
            if isinstance(exc, UserWarning)
            else str(exc).splitlines()[0]
        )
        raise ParameterFixableError(
            f"the time column {name!r} cannot be read as dates or integer steps "
            f"({detail})",
            {},
            remedy="Pass date_format=FORMAT, the strftime codes of its values (e.g. "
            "%d.%m.%Y %H:%M), or time_col=NAME if another column holds the times",
        ) from None


def _iso(text: pd.Series):
    """ISO 8601 times; offsets that change (a DST switch) read as instants."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pandas on mixed offsets
        try:
            times = pd.to_datetime(text, format="ISO8601")
            if pd.api.types.is_datetime64_any_dtype(times):
                return times
        except ValueError:
            pass
        return _one_zone(text, pd.to_datetime(text, format="ISO8601", utc=True))


def _one_zone(column, utc):
    """The instants ``utc`` in the time zone whose UTC offsets ``column`` wrote.

    A tz-aware frame written to CSV keeps each timestamp's offset (+01:00, then
    +02:00 after a DST change), not its zone. The first IANA zone (in name
    order) whose offset at every instant is the one written gives back the
    author's wall clock, so daily data stays daily; when none does, UTC.
    """
    import zoneinfo

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


def numeric_times(cells: pd.Series, name: str) -> bool:
    """Whether the time column holds numbers (integer steps, years); 8-digit
    ones that all read as dates (``20230115``) are refused, naming the format."""
    numbers = pd.to_numeric(cells, errors="coerce")
    if numbers.isna().any():
        return False
    text = cells.astype(str).str.strip()
    if text.str.fullmatch(_YYYYMMDD).all():
        try:
            pd.to_datetime(text, format="%Y%m%d")
        except ValueError:
            return True
        raise ParameterFixableError(
            f"the time column {name!r} holds 8-digit numbers that all read as dates "
            f"({text.iloc[0]!r}).",
            {"date_format": "%Y%m%d"},
            "to read them as dates",
            remedy="write them as integer steps of one if they count steps",
        )
    return True


def first_time_column(text: pd.DataFrame, id_col: str | None) -> str:
    """The default time column: the first column whose cells all read as dates
    (ids or numbers may come first in a panel); else the first column."""
    for col in text.columns:
        cells = text[col].dropna().astype(str).str.strip()
        if col == id_col or cells.empty:
            continue
        if pd.to_numeric(cells, errors="coerce").notna().all():
            continue  # numbers: a step count or a value, never a date here
        try:
            read_times(cells.iloc[:50], str(col))
        except (ValueError, TypeError):
            continue
        return col
    return text.columns[0]
