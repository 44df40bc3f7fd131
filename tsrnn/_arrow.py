"""Arrow input: a ``pyarrow.Table``, a Parquet dataset or its path, read as pandas.

The forecasters take Arrow data wherever they take a frame; :func:`from_arrow`
is where it becomes the frame that :func:`~tsrnn._panel.read_panel` reads, and
:func:`arrow_source` / :func:`is_arrow` let a distributed fit read only its
rows of a Parquet dataset. pyarrow is imported only when it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tsrnn._panel import Roles

__all__ = ["arrow_source", "from_arrow", "is_arrow"]


def arrow_source(data, name: str = "X"):
    """``data``, or the Parquet dataset at ``data`` when it is a path."""
    import os

    if not isinstance(data, (str, os.PathLike)):
        return data
    import pyarrow.dataset as ds

    if not os.path.exists(data):
        raise FileNotFoundError(
            f"{name}={os.fspath(data)!r} is read as the path of a Parquet file or "
            "folder, but there is no such file or folder."
        )
    return ds.dataset(data, format="parquet")


def is_arrow(data) -> bool:
    """Whether ``data`` is a pyarrow object (a table, a dataset)."""
    return type(data).__module__.split(".")[0] == "pyarrow"


def from_arrow(data, roles: Roles, name: str = "X"):
    """``data`` as pandas when it is Arrow data: a ``pyarrow.Table``, a
    ``pyarrow.dataset.Dataset``, or the path of a Parquet file or of a folder of
    them (a Parquet dataset); anything else as it is.

    With ``target=`` named, only the columns of the roles are read. A table or
    dataset of the caller's is converted, never changed; one read from a path
    hands its buffers over as it converts (``self_destruct``), so the Arrow copy
    and the pandas one do not both stay in memory.
    """
    data = arrow_source(data, name)
    if not is_arrow(data):
        return data
    names = list(data.schema.names)
    if roles.target:
        used = [roles.id_col, roles.time_col, *roles.target, *roles.past]
        used += [*roles.future, *roles.static]
        names = [c for c in names if c in used]
    if hasattr(data, "to_table") and not hasattr(data, "to_pandas"):  # a dataset
        table = data.to_table(columns=names)
        return table.to_pandas(split_blocks=True, self_destruct=True)
    return data.select(names).to_pandas(split_blocks=True)
