"""Pictures of transfer learning: accuracy and training time against the number of labels.

The notebook trains each strategy (from scratch, a frozen base, fine-tuning) on a growing number
of labelled images and collects one row per fit; :func:`plot_accuracy_vs_labels` draws that table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.i18n import N_, _, grouped
from neurona.plots.style import PALETTE, figure_size

__all__ = ["plot_accuracy_vs_labels"]

# The columns a learning-curve table must have, and what each holds.
# The names are the DataFrame's columns (data); what each holds is shown in an error.
_COLUMNS = {
    "strategy": N_("the name of the strategy, e.g. 'from scratch'"),
    "labels per class": N_("labelled training images per class"),
    "test accuracy": N_("accuracy on the test images, from 0 to 1"),
    "training s": N_("seconds of training, every phase of the strategy included"),
}
_MARKERS = ("o", "s", "^", "D", "v")


def plot_accuracy_vs_labels(results: Any, *, title: str = ""):
    """Draw test accuracy (left) and training time (right) against the labels per class.

    One line per strategy, in the order the strategies first appear in the table, on a
    logarithmic axis of labels per class: each step right is a few times more labelling work.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per fit, with the columns ``"strategy"``, ``"labels per class"``,
        ``"test accuracy"`` and ``"training s"``; other columns are ignored.
    title : str
        A title over both panels.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: accuracy, and seconds of training.

    Raises
    ------
    TypeError
        If ``results`` is not a DataFrame.
    ValueError
        If a column is missing (the message lists what each must hold), the table is empty,
        or a count of labels is not > 0.

    Examples
    --------
    >>> import pandas as pd
    >>> runs = [("from scratch", 20, 0.70, 3.0), ("from scratch", 100, 0.85, 4.0),
    ...         ("frozen base", 20, 0.80, 2.0), ("frozen base", 100, 0.86, 2.5)]
    >>> rows = [{"strategy": s, "labels per class": n, "test accuracy": a, "training s": t}
    ...         for s, n, a, t in runs]
    >>> figure = plot_accuracy_vs_labels(pd.DataFrame(rows))
    >>> [len(ax.get_lines()) for ax in figure.axes]
    [2, 2]
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    if not isinstance(results, pd.DataFrame):
        raise TypeError(_("results must be a pandas DataFrame, one row per fit; got {kind}")
                        .format(kind=type(results).__name__))
    missing = [name for name in _COLUMNS if name not in results.columns]
    if missing:
        needed = "; ".join(f"{name!r}: {_(meaning)}" for name, meaning in _COLUMNS.items())
        absent = ", ".join(map(repr, missing))
        raise ValueError(_("results has no column {absent}; it needs {needed}").format(
            absent=absent, needed=needed))
    if results.empty:
        raise ValueError(
            _("results is empty: train at least one strategy on one number of labels"))
    counts = results["labels per class"].to_numpy(dtype=float)
    if not np.all(counts > 0):
        raise ValueError(_("labels per class must be > 0 (a logarithmic axis); got {counts}")
                         .format(counts=sorted(set(counts.tolist()))))

    figure, (left, right) = plt.subplots(1, 2, figsize=figure_size(11.0, 4.0), layout="constrained")
    for k, (strategy, rows) in enumerate(results.groupby("strategy", sort=False)):
        rows = rows.sort_values("labels per class")
        style = {"color": PALETTE[k % len(PALETTE)], "marker": _MARKERS[k % len(_MARKERS)],
                 "label": str(strategy)}  # fmt: skip
        left.plot(rows["labels per class"], rows["test accuracy"], **style)
        right.plot(rows["labels per class"], rows["training s"], **style)
    ticks = sorted(set(results["labels per class"].astype(int)))
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xticks(ticks, [grouped(n) for n in ticks])
        ax.minorticks_off()
        ax.set_xlabel(_("labelled training images per class (log scale)"))
        ax.grid(alpha=0.3)
    left.set_ylabel(_("test accuracy"))
    left.set_title(_("Accuracy on the new task"))
    left.legend(fontsize="small")
    right.set_ylim(bottom=0)
    right.set_ylabel(_("training time (s)"))
    right.set_title(_("Training time"))
    if title:
        figure.suptitle(title)
    return figure
