"""Grids of images: a first look at a dataset, and the samples a model gets wrong.

Examples
--------
>>> import neurona as nr
>>> nr.plot_image_grid(x_train, y_train, class_names=names);             # doctest: +SKIP
>>> nr.plot_misclassified(x_test, y_test, model.predict(x_test), names);  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np

from neurona.i18n import N_, _, grouped
from neurona.plots.confusion import predicted_labels, true_labels
from neurona.plots.style import WRONG_COLOR, figure_size
from neurona.validate import whole_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_image_grid", "plot_misclassified"]

_ALLOWED_SHAPES = N_(
    "(N, H, W), (N, H, W, 1), (N, H, W, 3), or flat (N, D) with D a perfect square "
    "such as 784 = 28 x 28"
)
_DEFAULT_ROWS = 4  # plot_image_grid shows at most this many rows unless n says otherwise
_TILE = 1.25  # inches per image
_WRAP = 16  # captions longer than this break after the arrow


def plot_image_grid(
    images: Any,
    labels: Any = None,
    n: int | None = None,
    cols: int = 8,
    cmap: str = "gray_r",
    title: str | None = None,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """Show the first images of a dataset in a grid, each captioned with its label.

    Parameters
    ----------
    images : array-like
        Shape ``(N, H, W)`` or ``(N, H, W, 1)`` for grey images, ``(N, H, W, 3)`` for colour,
        or flat ``(N, D)`` with ``D`` a perfect square (784 becomes 28 x 28). Colour images
        may be floats in 0..1, or 0..255 (they are divided by 255).
    labels : array-like, optional
        One label per image: integers (mapped through ``class_names``), one-hot rows, or
        strings shown as they are.
    n : int, optional
        How many images to show. Default: four rows, ``4 * cols``, or all if fewer.
    cols : int
        Images per row.
    cmap : str
        Colormap for grey images; ``"gray_r"`` draws ink dark on white paper.
    title : str, optional
        Figure title. Default: ``"first 32 of 60,000 images"``; ``""`` for none.
    class_names : sequence of str, optional
        Name of each class, used to caption integer labels.

    Returns
    -------
    matplotlib.figure.Figure
        The grid, without axis ticks.

    Raises
    ------
    ValueError
        For an image array of another shape (the message lists the allowed ones), no
        images, or a number of labels different from the number of images.

    Examples
    --------
    >>> import neurona as nr
    >>> data = nr.load("fashion_mnist")                                   # doctest: +SKIP
    >>> nr.plot_image_grid(data.x_train, data.y_train,                    # doctest: +SKIP
    ...                    class_names=data.class_names);
    """
    array = _as_images(images)
    cols = whole_number("cols", cols, 1)
    count = min(whole_number("n", n, 1), len(array)) if n is not None else None
    if count is None:
        count = min(len(array), _DEFAULT_ROWS * cols)
    captions = None
    if labels is not None:
        captions = _captions(labels, class_names, len(array))[:count]
    if title is None:
        title = (_("first {count} of {total} images").format(
            count=grouped(count), total=grouped(len(array))) if count < len(array) else "")
    return _draw_grid(array[:count], captions, cols=cols, cmap=cmap, title=title)


def plot_misclassified(
    x: Any,
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str] | None = None,
    n: int = 16,
    cols: int = 8,
) -> Figure | None:
    """Show the samples the model got wrong, captioned ``true → predicted``.

    With probabilities (what ``model.predict`` returns), the most confidently wrong
    samples come first and the caption gives the confidence: ``Shirt → T-shirt/top 87%``.

    Parameters
    ----------
    x : array-like
        The images, in any shape :func:`plot_image_grid` accepts.
    y_true : array-like
        True classes: labels ``(N,)`` or one-hot rows ``(N, classes)``.
    y_pred : array-like
        Predicted labels ``(N,)``, or probabilities or logits ``(N, classes)``.
    class_names : sequence of str, optional
        Name of each class. Default: the class numbers.
    n : int
        How many misclassified images to show at most.
    cols : int
        Images per row.

    Returns
    -------
    matplotlib.figure.Figure or None
        The grid, or None (after printing one line) when every prediction is right.

    Raises
    ------
    ValueError
        If ``x``, ``y_true`` and ``y_pred`` have different lengths, or an input has a shape
        that is not allowed.

    Examples
    --------
    >>> import neurona as nr
    >>> nr.plot_misclassified(x_test, y_test, model.predict(x_test),  # doctest: +SKIP
    ...                       class_names=data.class_names);
    """
    array = _as_images(x)
    true, _width = true_labels(y_true, "y_true")
    pred, confidence, _width = predicted_labels(y_pred, "y_pred")
    if not len(array) == true.size == pred.size:
        raise ValueError(
            _("x has {images} images, y_true {labels} labels and y_pred {predictions} "
              "predictions; they must describe the same samples").format(
                images=grouped(len(array)), labels=grouped(true.size),
                predictions=grouped(pred.size))
        )
    n = whole_number("n", n, 1)
    cols = whole_number("cols", cols, 1)

    wrong = np.flatnonzero(pred != true)
    if wrong.size == 0:
        print(_("All {count} predictions are correct: nothing is misclassified.").format(
            count=grouped(true.size)))
        return None
    if confidence is not None:
        wrong = wrong[np.argsort(-confidence[wrong], kind="stable")]
    shown = wrong[:n]

    def name(label: int) -> str:
        if class_names is None:
            return str(label)
        if label >= len(class_names):
            raise ValueError(
                _("class {label} has no name: class_names has {count} entries").format(
                    label=label, count=len(class_names))
            )
        return str(class_names[label])

    captions = []
    for i in shown:
        caption = f"{name(true[i])} → {name(pred[i])}"
        if confidence is not None:
            caption += f" {confidence[i]:.0%}"
        if len(caption) > _WRAP:
            caption = caption.replace(" → ", " →\n", 1)
        captions.append(caption)
    if confidence is not None:
        title = _("{shown} of {wrong} misclassified ({share:.1%} of {total} samples), "
                  "most confident first")
    else:
        title = _("{shown} of {wrong} misclassified ({share:.1%} of {total} samples)")
    title = title.format(shown=len(shown), wrong=grouped(wrong.size),
                         share=wrong.size / true.size, total=grouped(true.size))
    return _draw_grid(
        array[shown], captions, cols=cols, cmap="gray_r", title=title, caption_color=WRONG_COLOR
    )


# -- internals -------------------------------------------------------------------------


def _as_images(images: Any) -> np.ndarray:
    """Bring images to (N, H, W) for grey or (N, H, W, 3) for colour."""
    array = np.asarray(images)
    if array.dtype.kind == "b":
        array = array.astype(np.uint8)
    if array.dtype.kind not in "iuf":
        raise ValueError(_("images must be numbers, got dtype {dtype}").format(dtype=array.dtype))
    if array.ndim == 2:
        count, size = array.shape
        side = math.isqrt(size)
        if size == 0 or side * side != size:
            raise ValueError(
                _("flat images of shape {shape}: {size} pixels is not a square image. "
                  "Allowed shapes: {allowed}").format(
                    shape=array.shape, size=size, allowed=_(_ALLOWED_SHAPES))
            )
        array = array.reshape(count, side, side)
    elif array.ndim == 4:
        if array.shape[-1] == 1:
            array = array[..., 0]
        elif array.shape[-1] != 3:
            message = _("images of shape {shape}: the last axis must be 1 (grey) or 3 (RGB) "
                        "channels. Allowed shapes: {allowed}.").format(
                shape=array.shape, allowed=_(_ALLOWED_SHAPES))
            if array.shape[1] in (1, 3):
                message += " " + _("Channels first? Use np.moveaxis(images, 1, -1).")
            raise ValueError(message)
    elif array.ndim != 3:
        raise ValueError(_("images of shape {shape}; allowed shapes: {allowed}").format(
            shape=array.shape, allowed=_(_ALLOWED_SHAPES)))
    if len(array) == 0:
        raise ValueError(_("there are no images to show (N = 0)"))
    if array.ndim == 4 and array.dtype.kind == "f" and np.nanmax(array) > 1.0:
        array = np.clip(array / 255.0, 0.0, 1.0)  # 0..255 floats; imshow wants 0..1
    return array


def _captions(labels: Any, class_names: Sequence[str] | None, count: int) -> list[str]:
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] > 1:
        array = array.argmax(axis=1)  # one-hot rows
    array = array.reshape(-1) if array.ndim == 2 else array
    if array.ndim != 1:
        raise ValueError(_("labels must be one per image, shape (N,); got shape {shape}").format(
            shape=array.shape))
    if len(array) != count:
        raise ValueError(_("{labels} labels for {images} images; give one label per image").format(
            labels=grouped(len(array)), images=grouped(count)))
    captions = []
    for label in array.tolist():
        if isinstance(label, (bool, int)) or (isinstance(label, float) and label.is_integer()):
            index = int(label)
            if class_names is None:
                captions.append(str(index))
            elif 0 <= index < len(class_names):
                captions.append(str(class_names[index]))
            else:
                raise ValueError(
                    _("label {index} has no name: class_names has {count} entries "
                      "(classes 0..{last})").format(
                        index=index, count=len(class_names), last=len(class_names) - 1)
                )
        else:
            captions.append(str(label))
    return captions


def _draw_grid(
    images: np.ndarray,
    captions: list[str] | None,
    cols: int,
    cmap: str,
    title: str,
    caption_color: str | None = None,
) -> Figure:
    count = len(images)
    columns = min(cols, count)
    rows = math.ceil(count / columns)
    lines = max((caption.count("\n") + 1 for caption in captions), default=0) if captions else 0
    tile_width = _TILE + (0.25 if lines > 1 else 0.0)
    figure, grid = plt.subplots(
        rows,
        columns,
        figsize=figure_size(
            tile_width * columns + 0.2,
            rows * (_TILE + 0.17 * lines) + (0.45 if title else 0.1),
        ),
        squeeze=False,
        layout="constrained",
    )
    grey = images.ndim == 3
    # One grey scale for the whole grid, so that a faint image looks faint.
    low, high = (float(np.nanmin(images)), float(np.nanmax(images))) if grey else (None, None)
    for index, ax in enumerate(grid.ravel()):
        if index >= count:
            figure.delaxes(ax)
            continue
        ax.imshow(
            images[index],
            cmap=cmap if grey else None,
            vmin=low,
            vmax=high,
            interpolation="nearest",
        )
        ax.set_xticks([])
        ax.set_yticks([])
        if captions is not None:
            style = {"color": caption_color} if caption_color else {}
            ax.set_title(captions[index], fontsize=8, **style)
    if title:
        figure.suptitle(title)
    return figure
