"""Published numbers from the course's five sources, shipped as CSV reference overlays.

Each table starts with comment lines (``#``) saying where its numbers come from; they are
kept in ``DataFrame.attrs["source"]``. Use them as overlays ("your run vs. the 2018 CPU in
the book"), never as expectations: old hardware, old libraries.
"""

from __future__ import annotations

from importlib import resources

from neurona.validate import one_of

__all__ = ["reference_table", "reference_tables"]


def reference_tables() -> list[str]:
    """Names of the shipped reference tables.

    Examples
    --------
    >>> "keras_book_runs" in reference_tables()
    True
    """
    folder = resources.files("neurona") / "reference"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


def reference_table(name: str):
    """Load one reference table as a pandas DataFrame.

    Parameters
    ----------
    name : str
        One of :func:`reference_tables`, e.g. ``"keras_book_runs"``.

    Returns
    -------
    pandas.DataFrame
        The numbers; ``.attrs["source"]`` holds the table's provenance notes.

    Examples
    --------
    >>> table = reference_table("keras_book_runs")
    >>> int(table.loc[table.run == "E5", "parameters"].iloc[0])
    62346
    """
    import io

    import pandas as pd

    one_of("reference table", name, reference_tables())
    text = (resources.files("neurona") / "reference" / f"{name}.csv").read_text("utf-8")
    lines = text.splitlines()
    notes = [line.lstrip("# ").rstrip() for line in lines if line.startswith("#")]
    data = "\n".join(line for line in lines if not line.startswith("#"))
    table = pd.read_csv(io.StringIO(data))
    table.attrs["source"] = "\n".join(notes)
    return table
