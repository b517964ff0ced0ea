"""Pictures for autoencoders: reconstructions, loss bands over seeds, times, latent spaces, ROC.

Examples
--------
>>> import neurona as nr
>>> nr.plot_reconstructions(x_test, model.predict(x_test));     # doctest: +SKIP
>>> nr.plot_roc(fpr, tpr, auc);                                 # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogFormatterSciNotation

from neurona.i18n import N_, _, grouped
from neurona.plots.style import (
    OKABE_ITO,
    RIGHT_COLOR,
    TRAIN_LINESTYLE,
    VALIDATION_LINESTYLE,
    WRONG_COLOR,
    figure_size,
    integer_ticks,
    legend_below,
    series_color,
)
from neurona.validate import one_of, points_2d, whole_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "plot_denoising",
    "plot_latent_grid",
    "plot_latent_scatter",
    "plot_loss_band",
    "plot_preset_times",
    "plot_reconstructions",
    "plot_roc",
]

_TILE = 1.1  # inches per image
# The y label and the default title of plot_loss_band, by metric and band.
_LOSS_LABELS = {"val_loss": N_("validation loss (MSE per pixel)"),
                "loss": N_("training loss (MSE per pixel)")}
_BAND_TITLES = {
    ("val_loss", "std"): N_("validation loss, mean ± 1 std over seeds"),
    ("val_loss", "range"): N_("validation loss, mean and range over seeds"),
    ("loss", "std"): N_("training loss, mean ± 1 std over seeds"),
    ("loss", "range"): N_("training loss, mean and range over seeds"),
}


def plot_reconstructions(
    originals: Any,
    reconstructions: Any,
    n: int = 10,
    *,
    order: str = "first",
    title: str | None = None,
) -> Figure:
    """Originals over their reconstructions, each column titled with its squared error.

    The worst reconstruction shown has its title in the "wrong" colour, so that it is
    easy to spot.

    Parameters
    ----------
    originals, reconstructions : array-like
        Images ``(N, 28, 28)`` or flat ``(N, 784)``, pixels in [0, 1].
    n : int
        How many pairs to show.
    order : str
        ``"first"`` (the first ``n``), ``"worst"`` (largest errors first) or ``"best"``.
    title : str, optional
        Figure title; default says the mean error over all ``N`` images.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt; plt.close("all")
    >>> x = np.random.default_rng(0).random((4, 784))
    >>> fig = plot_reconstructions(x, x * 0.9, n=4)
    >>> len(fig.axes)
    8
    """
    top, bottom = _images(originals, "originals"), _images(reconstructions, "reconstructions")
    if top.shape != bottom.shape:
        raise ValueError(
            _("originals {top} and reconstructions {bottom} must have the same shape").format(
                top=top.shape, bottom=bottom.shape)
        )
    one_of("order", order, ("first", "worst", "best"))
    n = min(whole_number("n", n, 1), len(top))
    errors = ((top - bottom) ** 2).reshape(len(top), -1).mean(axis=1)
    if order == "first":
        shown = np.arange(n)
    else:
        ranked = np.argsort(errors)
        shown = ranked[::-1][:n] if order == "worst" else ranked[:n]
    worst = shown[int(np.argmax(errors[shown]))]
    figure, grid = plt.subplots(
        2, n, figsize=figure_size(_TILE * n, 2 * _TILE + 0.6), layout="constrained", squeeze=False
    )
    for column, index in enumerate(shown):
        for row, images in enumerate((top, bottom)):
            ax = grid[row, column]
            ax.imshow(images[index], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        color = WRONG_COLOR if index == worst else "black"
        grid[1, column].set_title(f"MSE {errors[index]:.4f}", fontsize=8, color=color)
    grid[0, 0].set_ylabel(_("original"), fontsize=9)
    grid[1, 0].set_ylabel(_("reconstructed"), fontsize=9)
    if title is None:
        title = _("mean squared error over {count} images: {error:.4f}").format(
            count=grouped(len(top)), error=errors.mean())
    if title:
        figure.suptitle(title, fontsize=10)
    return figure


def plot_denoising(clean: Any, noisy: Any, denoised: Any, n: int = 8, title: str = "") -> Figure:
    """Three rows: clean images, the noisy inputs, and what the denoiser made of them.

    Parameters
    ----------
    clean, noisy, denoised : array-like
        Images ``(N, 28, 28)`` or flat ``(N, 784)`` in [0, 1], the same ``N``.
    n : int
        How many columns.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = [_images(a, name) for a, name in ((clean, "clean"), (noisy, "noisy"))]
    rows.append(_images(denoised, "denoised"))
    if len({r.shape for r in rows}) != 1:
        raise ValueError(
            _("clean, noisy and denoised must have one shape; got {shapes}").format(
                shapes=[r.shape for r in rows])
        )
    n = min(whole_number("n", n, 1), len(rows[0]))
    figure, grid = plt.subplots(
        3, n, figsize=figure_size(_TILE * n, 3 * _TILE + 0.5), layout="constrained", squeeze=False
    )
    for row, (images, label) in enumerate(
        zip(rows, (_("clean"), _("noisy input"), _("denoised")), strict=True)
    ):
        for column in range(n):
            ax = grid[row, column]
            ax.imshow(images[column], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        grid[row, 0].set_ylabel(label, fontsize=9)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure


class _PlainLogFormatter(LogFormatterSciNotation):
    """Label the ticks of a log axis that matplotlib labels, as plain numbers (3 digits)."""

    def __call__(self, x, pos=None):
        return f"{x:.3g}" if super().__call__(x, pos) else ""


def plot_loss_band(
    results: Any,
    *,
    metric: str = "val_loss",
    log: bool = True,
    band: str = "std",
    ax=None,
    title: str | None = None,
):
    """Mean loss over seeds with a band, one line per preset.

    Parameters
    ----------
    results : PresetResult or iterable of PresetResult
        From :func:`neurona.autoencoders.run_preset`.
    metric : str
        ``"val_loss"`` (dashed, as validation curves are everywhere in the course) or
        ``"loss"`` (solid).
    log : bool
        Logarithmic loss axis: plateaus and slow starts show better.
    band : str
        ``"std"`` (mean ± one standard deviation) or ``"range"`` (lowest to highest seed).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.
    title : str, optional
        Axes title; default says what the band is.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from neurona.autoencoders import PresetResult, finite_stat

    if isinstance(results, PresetResult):
        results = [results]
    results = list(results)
    if not results or not all(isinstance(r, PresetResult) for r in results):
        raise TypeError(_("results must be one or more PresetResult objects from run_preset"))
    one_of("metric", metric, ("val_loss", "loss"))
    one_of("band", band, ("std", "range"))
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.0, 4.2), layout="constrained")
    style = VALIDATION_LINESTYLE if metric == "val_loss" else TRAIN_LINESTYLE
    for k, result in enumerate(results):
        values = getattr(result, metric)
        done = np.isfinite(values).any(axis=0)
        values = values[:, done]  # finished epochs are a prefix: a stopped run has fewer
        epochs = np.arange(1, values.shape[1] + 1)
        mean = finite_stat(np.mean, values)
        color = series_color(k)
        seeds = len(result.seeds)
        label = (_("{name}: {settings} ({seeds} seeds)") if seeds > 1
                 else _("{name}: {settings}")).format(
            name=result.preset.name, settings=_short(result.preset), seeds=seeds)
        ax.plot(epochs, mean, style, color=color, marker="o", markersize=3, label=label)
        if seeds > 1:
            if band == "std":
                spread = finite_stat(np.std, values)
                low, high = mean - spread, mean + spread
            else:
                low, high = finite_stat(np.min, values), finite_stat(np.max, values)
            if log and np.isfinite(values).any():
                low = np.maximum(low, np.nanmin(values) * 0.5)
            ax.fill_between(epochs, low, high, color=color, alpha=0.2, linewidth=0)
    if log:
        ax.set_yscale("log")
        # Plain numbers (0.155), not "1.55×10⁻¹", on the ticks matplotlib chose to label.
        ax.yaxis.set_major_formatter(_PlainLogFormatter())
        ax.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False))
    ax.set_xlabel(_("epoch"))
    integer_ticks(ax.xaxis)  # epochs are whole: no "1.2"
    ax.set_ylabel(_(_LOSS_LABELS[metric]))
    if title is None:
        title = _(_BAND_TITLES[metric, band])
    ax.set_title(title)
    ax.grid(alpha=0.3)
    # Under the axes: the curves of different presets fill every corner (one entry a row,
    # the presets' settings are long).
    legend_below(ax, columns=1, fontsize=9)
    return ax


def plot_preset_times(table, ax=None, title: str | None = None):
    """Bars of our wall seconds per epoch (scaled to 60,000 images) beside the thesis's CPU time.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`neurona.autoencoders.times_table`.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    needed = ("ours scaled to 60k", "thesis keras_tf s/epoch (CPU)")
    if not all(column in getattr(table, "columns", ()) for column in needed):
        raise ValueError(_("table must come from neurona.autoencoders.times_table"))
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.0, 3.8), layout="constrained")
    names = [str(i) for i in table.index]
    positions = np.arange(len(names))
    width = 0.38
    ax.bar(
        positions - width / 2,
        table[needed[0]],
        width,
        color=OKABE_ITO["blue"],
        label=_("ours: wall time, scaled to {count} images").format(count=grouped(60_000)),
    )
    ax.bar(
        positions + width / 2,
        table[needed[1]],
        width,
        color=OKABE_ITO["orange"],
        label=_("thesis, Keras + TF: CPU user time, 4 CPUs + GPU"),
    )
    labels = [_("{name}\nbatch {size}").format(name=n, size=int(b))
              for n, b in zip(names, table["batch"], strict=True)]
    ax.set_xticks(positions, labels, fontsize=8)
    ax.set_ylabel(_("seconds per epoch (s)"))
    ax.set_yscale("log")
    ax.set_title(title or _("time per epoch: our wall time vs the thesis's CPU time"))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_latent_scatter(
    codes: Any,
    labels: Any = None,
    class_names: Sequence[str] | None = None,
    ax=None,
    title: str | None = None,
):
    """Scatter of 2-D codes, coloured by class.

    Parameters
    ----------
    codes : array-like
        ``(N, 2)`` codes (e.g. the VAE encoder's ``z_mean``).
    labels : array-like, optional
        One class per code.
    class_names : sequence of str, optional
        Legend names of the classes.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.
    title : str, optional
        Axes title; default "test images in the 2-D latent space".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt; plt.close("all")
    >>> ax = plot_latent_scatter(np.zeros((5, 2)), [0, 1, 0, 1, 2])
    >>> ax.get_xlabel()
    'z[0]'
    """
    points = points_2d("codes", codes, note=_("a 2-D latent space"))
    if ax is None:
        _fig, ax = plt.subplots(figsize=(6.4, 5.4), layout="constrained")
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=4, alpha=0.5, color=OKABE_ITO["blue"])
    else:
        classes = np.asarray(labels).ravel()
        if len(classes) != len(points):
            raise ValueError(_("{labels} labels for {codes} codes").format(
                labels=len(classes), codes=len(points)))
        cmap = plt.get_cmap("tab10")
        for k in np.unique(classes):
            chosen = classes == k
            name = class_names[int(k)] if class_names is not None else str(k)
            ax.scatter(
                points[chosen, 0],
                points[chosen, 1],
                s=4,
                alpha=0.6,
                color=cmap(int(k) % 10),
                label=name,
            )
        ax.legend(fontsize=7, markerscale=3, loc="best", framealpha=0.8)
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(_("test images in the 2-D latent space") if title is None else title)
    ax.grid(alpha=0.3)
    return ax


def plot_latent_grid(grid: Any, span: float | tuple[float, float] = 2.5, title: str | None = None):
    """Show the images decoded from a walk through the latent plane as one picture.

    Parameters
    ----------
    grid : array-like
        ``(n, n, H, W)`` from :func:`neurona.autoencoders.latent_grid`.
    span : float or (low, high)
        The latent range the grid covers (for the axis ticks); as given to ``latent_grid``.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    array = np.asarray(grid, dtype=float)
    if array.ndim != 4 or array.shape[0] != array.shape[1]:
        raise ValueError(_("grid must be (n, n, H, W), as latent_grid returns; got {shape}")
                         .format(shape=array.shape))
    n, _n, h, w = array.shape
    low, high = (-float(span), float(span)) if np.isscalar(span) else map(float, span)
    mosaic = array.transpose(0, 2, 1, 3).reshape(n * h, n * w)
    figure, ax = plt.subplots(figsize=(6.4, 6.4), layout="constrained")
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1, extent=(low, high, low, high))
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    ax.set_title(title or _("decoded from a {n} x {n} walk through the latent plane").format(n=n))
    return figure


def plot_roc(
    fpr: Any, tpr: Any, auc: float | None = None, ax=None, label: str | None = None, title=None
):
    """ROC curve of an anomaly detector, with the diagonal of guessing.

    Parameters
    ----------
    fpr, tpr : array-like
        From :func:`neurona.autoencoders.anomaly_roc`.
    auc : float, optional
        Area under the curve, for the legend.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (several curves on one plot).
    label : str, optional
        Legend text of this curve.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt; plt.close("all")
    >>> plot_roc([0, 0, 1], [0, 1, 1], 1.0).get_xlabel()
    'false positive rate (normal images flagged)'
    """
    x, y = np.asarray(fpr, dtype=float), np.asarray(tpr, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(_("fpr and tpr must be 1-D and of one length; got {fpr}, {tpr}")
                         .format(fpr=x.shape, tpr=y.shape))
    if ax is None:
        _fig, ax = plt.subplots(figsize=(5.0, 4.6), layout="constrained")
        ax.plot([0, 1], [0, 1], ":", color="gray", label=_("guessing (AUC 0.5)"))
    text = label or _("reconstruction error")
    if auc is not None:
        text += f" (AUC {auc:.3f})"
    k = len(ax.lines) - 1
    ax.plot(x, y, color=RIGHT_COLOR if k == 0 else series_color(k), label=text)
    ax.set_xlabel(_("false positive rate (normal images flagged)"))
    ax.set_ylabel(_("true positive rate (anomalies caught)"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_title(title or _("anomaly detection by reconstruction error"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return ax


# -- helpers --------------------------------------------------------------------------------------
def _images(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side != array.shape[1]:
            raise ValueError(
                _("{name}: flat images need a square size such as 784; got {shape}").format(
                    name=name, shape=array.shape)
            )
        array = array.reshape(len(array), side, side)
    if array.ndim != 3 or not len(array):
        raise ValueError(_("{name} must be images (N, H, W) or flat (N, 784); got {shape}")
                         .format(name=name, shape=array.shape))
    return array


def _short(preset) -> str:
    return _("batch {size}, {optimizer} {rate:g}, {activation}/{output}").format(
        size=preset.batch_size, optimizer=preset.optimizer_name, rate=preset.learning_rate,
        activation=preset.activation, output=preset.output_activation)
