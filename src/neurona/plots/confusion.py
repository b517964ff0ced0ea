"""The confusion matrix: which classes the model mixes up, counted and drawn.

:func:`plot_confusion_matrix` counts with :func:`sklearn.metrics.confusion_matrix`, draws
the counts and the row-normalised matrix (recall per class) side by side, and returns a
:class:`ConfusionMatrix` that answers the lesson's questions: which classes are hardest,
which pairs are confused most.

Examples
--------
>>> import neurona as nr
>>> probabilities = model.predict(x_test)                                     # doctest: +SKIP
>>> cm = nr.plot_confusion_matrix(y_test, probabilities, class_names=names)  # doctest: +SKIP
>>> cm.hardest()                                                           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np

from neurona.i18n import N_, _, grouped
from neurona.plots.style import SEQUENTIAL_CMAP, figure_size
from neurona.validate import one_of, whole_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["ConfusionMatrix", "plot_confusion_matrix"]

#: The values ``normalize`` accepts, with what each draws.
NORMALIZE_CHOICES = {
    "both": N_("counts and row-normalised side by side"),
    "true": N_("row-normalised only: rows sum to 1, recall per class"),
    None: N_("counts only"),
}

_MAX_ANNOTATED_CLASSES = 25  # beyond this the numbers no longer fit in the cells
_LONG_NAME = 4  # class names longer than this are rotated on the x axis


@dataclass(repr=False, eq=False)
class ConfusionMatrix:
    """A counted confusion matrix and its picture.

    Rows are the true classes, columns the predicted ones: ``matrix[i, j]`` counts the
    samples of class ``i`` that the model called ``j``.

    Attributes
    ----------
    matrix : numpy.ndarray
        Counts, shape ``(classes, classes)``.
    normalized : numpy.ndarray
        Each row divided by its total, so rows sum to 1 and the diagonal is the recall of
        each class. A class with no samples has a row of NaN.
    class_names : list of str
        Name of each row and column.
    accuracy : float
        ``trace / total``: the fraction of samples on the diagonal.
    figure : matplotlib.figure.Figure or None
        The picture, when one was drawn.

    Examples
    --------
    >>> cm = plot_confusion_matrix(y_test, model.predict(x_test), names)  # doctest: +SKIP
    >>> cm.accuracy                                                        # doctest: +SKIP
    0.8512
    >>> cm.most_confused(3)                                                # doctest: +SKIP
    [('Shirt', 'T-shirt/top', 163), ('Pullover', 'Coat', 121), ('Coat', 'Shirt', 98)]
    """

    matrix: np.ndarray
    normalized: np.ndarray
    class_names: list[str]
    accuracy: float
    figure: Figure | None = None

    @property
    def total(self) -> int:
        """Number of samples counted."""
        return int(self.matrix.sum())

    @property
    def correct(self) -> int:
        """Number of samples on the diagonal (predicted class == true class)."""
        return int(np.trace(self.matrix))

    @property
    def recall(self) -> np.ndarray:
        """Recall of each class: the diagonal of :attr:`normalized` (NaN for absent classes)."""
        return np.diag(self.normalized).copy()

    def hardest(self, k: int = 4) -> list[tuple[str, float]]:
        """Name the ``k`` classes with the lowest recall, lowest first.

        Parameters
        ----------
        k : int
            How many classes to return (fewer when there are fewer classes with samples).

        Returns
        -------
        list of (str, float)
            ``(class_name, recall)`` pairs; classes with no samples are left out.

        Examples
        --------
        >>> cm.hardest(2)                 # doctest: +SKIP
        [('Shirt', 0.58), ('Pullover', 0.76)]
        """
        k = whole_number("k", k, 1)
        recall = self.recall
        present = [i for i in range(len(recall)) if np.isfinite(recall[i])]
        present.sort(key=lambda i: (recall[i], i))
        return [(self.class_names[i], float(recall[i])) for i in present[:k]]

    def most_confused(self, k: int = 5) -> list[tuple[str, str, int]]:
        """List the ``k`` largest mistakes: off-diagonal cells by count, largest first.

        Parameters
        ----------
        k : int
            How many cells to return (fewer when fewer cells are non-zero).

        Returns
        -------
        list of (str, str, int)
            ``(true_name, predicted_name, count)`` triples.

        Examples
        --------
        >>> cm.most_confused(1)           # doctest: +SKIP
        [('Shirt', 'T-shirt/top', 163)]
        """
        k = whole_number("k", k, 1)
        off = self.matrix.copy()
        np.fill_diagonal(off, 0)
        rows, cols = np.nonzero(off)
        cells = sorted(zip(rows, cols, strict=True), key=lambda rc: (-off[rc], rc[0], rc[1]))
        return [(self.class_names[i], self.class_names[j], int(off[i, j])) for i, j in cells[:k]]

    def __repr__(self) -> str:
        hardest = ", ".join(f"{name} {recall:.2f}" for name, recall in self.hardest())
        return _("ConfusionMatrix: accuracy {accuracy:.1%} ({correct} / {total}) over {classes} "
                 "classes; lowest recall: {hardest}").format(
            accuracy=self.accuracy, correct=grouped(self.correct), total=grouped(self.total),
            classes=len(self.class_names), hardest=hardest)


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    normalize: str | None = "both",
    ax: Axes | Sequence[Axes] | None = None,
    title: str | None = None,
) -> ConfusionMatrix:
    """Count and draw which class the model predicted for the samples of each true class.

    The title states the accuracy the way the book checks it:
    ``accuracy = trace / total = 8,512 / 10,000 = 85.1%``.

    Parameters
    ----------
    y_true : array-like
        True classes: integer labels of shape ``(N,)`` (or ``(N, 1)``), or one-hot rows of
        shape ``(N, classes)``.
    y_pred : array-like
        Predictions: integer labels of shape ``(N,)``, or what ``model.predict`` returns,
        class probabilities or logits of shape ``(N, classes)`` (the largest wins). A single
        column ``(N, 1)`` is a binary classifier's output: probability of class 1 (logits
        when values fall outside 0..1).
    class_names : sequence of str, optional
        Name of each class, e.g. ``["T-shirt/top", "Trouser", ...]``. Default: ``"0"``,
        ``"1"``, ...
    normalize : {"both", "true", None}
        ``"both"`` draws counts and the row-normalised matrix side by side; ``"true"`` only
        the row-normalised one (rows sum to 1: recall per class); ``None`` only counts.
    ax : matplotlib Axes, or two Axes for ``normalize="both"``, optional
        Where to draw. Default: a new figure.
    title : str, optional
        A first title line, e.g. ``"Fashion-MNIST, test set"``; the accuracy line follows.

    Returns
    -------
    ConfusionMatrix
        Counts, normalised matrix, accuracy, :meth:`~ConfusionMatrix.hardest` and
        :meth:`~ConfusionMatrix.most_confused`, and the figure.

    Raises
    ------
    ValueError
        For an unknown ``normalize``, empty input, ``y_true`` and ``y_pred`` of different
        lengths, labels that are not class indices, or too few ``class_names``.

    Examples
    --------
    >>> import neurona as nr
    >>> cm = nr.plot_confusion_matrix(y_test, model.predict(x_test),  # doctest: +SKIP
    ...                               class_names=data.class_names)
    >>> cm.hardest()                                                   # doctest: +SKIP
    [('Shirt', 0.58), ('Pullover', 0.76), ('Coat', 0.78), ('T-shirt/top', 0.83)]
    """
    from sklearn.metrics import confusion_matrix

    one_of("normalize", normalize, NORMALIZE_CHOICES,
           meanings={key: _(meaning) for key, meaning in NORMALIZE_CHOICES.items()})

    true, true_width = true_labels(y_true, "y_true")
    pred, _confidence, pred_width = predicted_labels(y_pred, "y_pred")
    if true.size == 0 or pred.size == 0:
        raise ValueError(_("y_true and y_pred are empty: there is nothing to count"))
    if true.size != pred.size:
        raise ValueError(
            _("y_true has {true} samples but y_pred has {pred}; "
              "they must be the same samples, in the same order").format(
                true=grouped(true.size), pred=grouped(pred.size))
        )
    names = _class_names(class_names, true, pred, max(true_width, pred_width))

    n = len(names)
    counts = confusion_matrix(true, pred, labels=np.arange(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        rows = counts.sum(axis=1, keepdims=True)
        normalized = np.where(rows > 0, counts / np.maximum(rows, 1), np.nan)
    correct, total = int(np.trace(counts)), int(counts.sum())
    result = ConfusionMatrix(
        matrix=counts,
        normalized=normalized,
        class_names=names,
        accuracy=correct / total,
    )

    panels = {"both": ["counts", "fractions"], "true": ["fractions"], None: ["counts"]}[normalize]
    axs = _panel_axes(ax, len(panels), n)
    figure = axs[0].figure
    for panel_ax, panel in zip(axs, panels, strict=True):
        values = counts if panel == "counts" else normalized
        _draw_matrix(panel_ax, values, names, fractions=panel == "fractions")
    heading = _("accuracy = trace / total = {correct} / {total} = {accuracy:.1%}").format(
        correct=grouped(correct), total=grouped(total), accuracy=correct / total)
    figure.suptitle(f"{title}\n{heading}" if title else heading)
    result.figure = figure
    return result


# -- reading labels ----------------------------------------------------------------------
# Shared with neurona.plots.images, which captions misclassified samples the same way.


def true_labels(y: Any, name: str = "y_true") -> tuple[np.ndarray, int]:
    """Read true classes from labels or one-hot rows.

    Returns
    -------
    labels : numpy.ndarray of int
        One class index per sample.
    width : int
        The number of columns of a one-hot input (0 for labels), a lower bound on the
        number of classes.

    Examples
    --------
    >>> true_labels([[0, 1], [1, 0]])[0].tolist()
    [1, 0]
    """
    array = _as_array(y, name)
    if array.ndim == 2 and array.shape[1] == 1:  # CIFAR-10 ships labels as (N, 1)
        return _integer_labels(array[:, 0], name), 0
    if array.ndim == 2:
        return array.argmax(axis=1).astype(int), array.shape[1]
    if array.ndim == 1:
        return _integer_labels(array, name), 0
    raise ValueError(
        _("{name} must be labels of shape (N,) or one-hot rows of shape (N, classes); "
          "got shape {shape}").format(name=name, shape=array.shape)
    )


def predicted_labels(y: Any, name: str = "y_pred") -> tuple[np.ndarray, np.ndarray | None, int]:
    """Read predicted classes from labels, probabilities or logits.

    Returns
    -------
    labels : numpy.ndarray of int
        The predicted class of each sample.
    confidence : numpy.ndarray of float or None
        The probability given to that class (softmax of logits), None for bare labels.
    width : int
        The number of columns of a 2-D input (0 for labels).

    Examples
    --------
    >>> labels, confidence, _ = predicted_labels([[0.1, 0.9], [0.8, 0.2]])
    >>> labels.tolist(), confidence.tolist()
    ([1, 0], [0.9, 0.8])
    """
    array = _as_array(y, name)
    if array.ndim == 1:
        return _integer_labels(array, name), None, 0
    if array.ndim != 2:
        raise ValueError(
            _("{name} must be labels of shape (N,) or scores of shape (N, classes), "
              "e.g. model.predict(x); got shape {shape}").format(name=name, shape=array.shape)
        )
    scores = array.astype(float)
    if not np.all(np.isfinite(scores)):
        raise ValueError(_("{name} holds NaN or infinite scores; did the training diverge?")
                         .format(name=name))
    outside = scores.size and (scores.min() < 0 or scores.max() > 1)
    if array.shape[1] == 1:
        column = scores[:, 0]
        if array.dtype.kind in "iub":
            return _integer_labels(array[:, 0], name), None, 0
        # A sigmoid output: probability of class 1 (or its logit).
        p = 1.0 / (1.0 + np.exp(-column)) if outside else column
        labels = (p >= 0.5).astype(int)
        return labels, np.where(labels == 1, p, 1.0 - p), 2
    if outside:  # logits: softmax gives the probabilities the model implies
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores = shifted / shifted.sum(axis=1, keepdims=True)
    labels = scores.argmax(axis=1).astype(int)
    return labels, scores[np.arange(len(labels)), labels], array.shape[1]


def _as_array(y: Any, name: str) -> np.ndarray:
    array = np.asarray(y)
    if array.dtype.kind in "USO":
        if array.dtype.kind == "O":
            try:
                return array.astype(float)
            except (TypeError, ValueError):
                pass
        raise ValueError(
            _("{name} must hold class indices 0, 1, 2, ... (or one-hot rows / probabilities), "
              "not names; pass the names as class_names=[...]").format(name=name)
        )
    return array


def _integer_labels(array: np.ndarray, name: str) -> np.ndarray:
    if array.dtype.kind == "b":
        return array.astype(int)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            bad = array[~(np.isfinite(array) & (array == np.round(array)))][0]
            raise ValueError(
                _("{name} has non-integer values such as {bad!r}; pass class labels "
                  "0, 1, 2, ... or, for predictions, the scores as a 2-D array (N, classes)")
                .format(name=name, bad=bad)
            )
    elif array.dtype.kind not in "iu":
        raise ValueError(_("{name} must hold integer class labels, got dtype {dtype}").format(
            name=name, dtype=array.dtype))
    labels = array.astype(int)
    if labels.size and labels.min() < 0:
        raise ValueError(_("{name} has a negative label ({label}); classes are 0, 1, 2, ...")
                         .format(name=name, label=labels.min()))
    return labels


def _class_names(
    class_names: Sequence[str] | None, true: np.ndarray, pred: np.ndarray, width: int
) -> list[str]:
    largest = int(max(true.max(), pred.max()))
    if class_names is None:
        return [str(i) for i in range(max(largest + 1, width))]
    if isinstance(class_names, str):
        raise TypeError(_("class_names must be a list of names, one per class, not one string"))
    names = [str(name) for name in class_names]
    needed = max(largest + 1, width)
    if len(names) < needed:
        raise ValueError(
            _("class_names has {given} names but the labels need {needed} "
              "(classes 0..{last}); give one name per class").format(
                given=len(names), needed=needed, last=needed - 1)
        )
    return names


# -- drawing -----------------------------------------------------------------------------


def _panel_axes(ax: Any, panels: int, classes: int) -> list[Axes]:
    if ax is None:
        side = float(np.clip(0.4 * classes + 2.2, 4.5, 10.0))
        _figure, grid = plt.subplots(
            1, panels, figsize=figure_size(side * panels + 0.5, side), squeeze=False,
            layout="constrained",
        )
        return list(grid.ravel())
    axs = list(np.ravel(np.asarray(ax, dtype=object)))
    if not all(hasattr(a, "imshow") for a in axs):
        raise TypeError(_("ax must be a matplotlib Axes, or two Axes for normalize='both'"))
    if len(axs) != panels:
        if panels == 2:
            message = _("this picture has 2 panels but {given} Axes given; "
                        "pass ax=(ax1, ax2), or normalize='true' or None")
        else:
            message = _("this picture has 1 panel but {given} Axes given")
        raise ValueError(message.format(given=len(axs)))
    return axs


def _draw_matrix(ax: Axes, values: np.ndarray, names: list[str], fractions: bool) -> None:
    n = len(names)
    cmap = plt.get_cmap(SEQUENTIAL_CMAP)
    vmax = 1.0 if fractions else max(float(values.max()), 1.0)
    image = ax.imshow(values, cmap=cmap, vmin=0.0, vmax=vmax, interpolation="nearest")
    ticks = np.arange(n)
    ax.set_xticks(ticks, labels=names)
    ax.set_yticks(ticks, labels=names)
    if max(len(name) for name in names) > _LONG_NAME:
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.set_xlabel(_("predicted class"))
    ax.set_ylabel(_("true class"))
    ax.set_title(_("row-normalised, % (recall per class)") if fractions else _("counts"))
    colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    colorbar.set_label(_("fraction of the true class") if fractions else _("samples"))
    if fractions:
        from matplotlib.ticker import PercentFormatter

        colorbar.formatter = PercentFormatter(xmax=1.0, decimals=0)
        colorbar.update_ticks()

    if n > _MAX_ANNOTATED_CLASSES:
        return
    size = 9 if n <= 10 else max(5.0, 90.0 / n)
    for i in range(n):
        for j in range(n):
            value = values[i, j]
            if fractions:  # whole percents: "0.83" in every cell of ten would run together
                text = _("n/a") if not np.isfinite(value) else f"{100 * value:.0f}"
            else:
                text = grouped(int(value))
            ink = _ink_on(cmap(value / vmax) if np.isfinite(value) else (1, 1, 1, 1))
            ax.text(j, i, text, ha="center", va="center", color=ink, fontsize=size)


def _ink_on(rgba: tuple[float, ...]) -> str:
    """Black text on light cells, white on dark ones (relative luminance)."""
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"
