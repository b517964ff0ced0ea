"""Decision maps: what a classifier answers at every point of a 2-D plane.

:func:`plot_decision_boundary` is the course's version of mglearn's ``plot_2d_separator``:
the model's output as a heat-map behind the data, the decision boundary as a line,
training points filled and test points hollow. :class:`LiveDecisionMap` redraws the same
picture in place while a network trains, cheaply enough for the Playground.

Both only call ``model.predict(X)``, so they work with the NumPy nets of
:mod:`neurona.scratch`, scikit-learn classifiers and Keras models alike.

How the model's output is read
------------------------------
- ``(N, k)`` with ``k >= 3``: class probabilities (or logits); the class is the argmax.
  Each region takes its class's colour, stronger where the model is surer.
- ``(N, 2)``: probabilities of classes 0 and 1; the map shows P(class 1).
- ``(N,)`` or ``(N, 1)``: a score. Probabilities in 0..1 are cut at 0.5, any other score
  (a perceptron's net input, labels -1/+1) at 0; class 1 is where the score is at least
  the threshold.

Examples
--------
>>> import neurona as nr
>>> nr.plot_decision_boundary(net, X_train, y_train, X_test=X_test, y_test=y_test); # doctest: +SKIP
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from neurona.i18n import _
from neurona.plots.render import PacedView, RedrawPacer
from neurona.plots.style import OKABE_ITO
from neurona.validate import points_2d, real_number, whole_number

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap

__all__ = ["plot_decision_boundary", "LiveDecisionMap"]

#: Colour of class 0, 1, 2, ... in every 2-D picture. Class 0 is vermillion and class 1
#: blue, the two ends of the course's red-negative / blue-positive scale, so a neuron's
#: "output 1" side is blue everywhere. Black is left out: it is the colour of edges and
#: boundaries.
CLASS_COLORS: tuple[str, ...] = (
    OKABE_ITO["vermillion"],
    OKABE_ITO["blue"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["yellow"],
)

EDGE_COLOR = "#222222"  # dark edge of filled markers
BOUNDARY_COLOR = "black"
_TINT = 0.45  # how much of a class colour the background keeps (the rest is white)
_MAX_RESOLUTION = 2000  # 4 million predictions: beyond this a picture gains nothing


# -- public ------------------------------------------------------------------------------


def plot_decision_boundary(
    model: Any,
    X: Any,
    y: Any,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    X_test: Any = None,
    y_test: Any = None,
    feature_map: Callable[[np.ndarray], Any] | None = None,
    title: str | None = None,
    *,
    threshold: float | None = None,
    colorbar: bool = True,
) -> Axes:
    """Draw what a classifier predicts over the plane, its decision boundary and the data.

    The background is the model's output on a ``resolution x resolution`` grid: for two
    classes the probability of class 1 (white at 0.5), for more classes the colour of the
    predicted class, paler where the model hesitates. The black line is the decision
    boundary (the 0.5 contour). Training points are filled, test points hollow, both in
    the colour of their true class, so a point on the wrong colour is misclassified.

    Parameters
    ----------
    model : object with ``predict(X)``, or a function
        The classifier; ``predict`` gets an ``(M, 2)`` array of points (or the features
        ``feature_map`` makes of them) and returns scores or probabilities, see the module
        documentation. A plain function ``f(X) -> scores`` works too.
    X : array-like, shape (N, 2)
        Training points, two features each.
    y : array-like, shape (N,)
        Their classes: 0, 1, 2, ... (or -1/+1, or one-hot rows).
    ax : matplotlib Axes, optional
        Where to draw. Default: a new figure.
    resolution : int
        Grid points per axis; 200 gives 40,000 predictions.
    padding : float
        Margin around the points, in feature units.
    X_test, y_test : array-like, optional
        Test points and their classes, drawn as hollow markers.
    feature_map : callable, optional
        Turns points ``(M, 2)`` into the features the model was trained on, e.g.
        ``lambda P: np.column_stack([P, P**2])`` for x1, x2, x1², x2².
    title : str, optional
        Title; the training (and test) accuracy is appended. Default: "Decision boundary".
    threshold : float, optional
        Where a one-column score turns into class 1. Default: 0.5 for probabilities in
        0..1, else 0.
    colorbar : bool
        Add a colour bar for the probability (two classes only).

    Returns
    -------
    matplotlib.axes.Axes
        The axes with the map; equal aspect, axes labelled x1 and x2.

    Raises
    ------
    ValueError
        If ``X`` is not of shape (N, 2), ``y`` has another length, a test set is half
        given, or the model's output does not have one row per point.

    Examples
    --------
    >>> import numpy as np
    >>> import neurona as nr
    >>> X = np.array([[-1.0, -1.0], [-0.5, -1.0], [1.0, 0.5], [0.5, 1.0]])
    >>> y = np.array([0, 0, 1, 1])
    >>> def predict(P):  # a fixed linear neuron: sigmoid(x1 + x2)
    ...     return 1 / (1 + np.exp(-(P[:, 0] + P[:, 1])))
    >>> ax = nr.plot_decision_boundary(predict, X, y, resolution=50)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('x1', 'x2')
    >>> ax.get_title()
    'Decision boundary · training accuracy 100%'
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt

    predict = _predict_function(model)
    X, y, X_test, y_test = _check_data(X, y, X_test, y_test)
    resolution = _check_resolution(resolution)
    padding = _check_padding(padding)
    if threshold is not None:
        threshold = float(threshold)
    if feature_map is not None and not callable(feature_map):
        raise TypeError(_("feature_map must be a function of the points, got {value!r}").format(
            value=feature_map))

    plane = _Plane.around([X] if X_test is None else [X, X_test], resolution, padding)
    features = _features(feature_map, plane.points)
    output = _read_output(predict(features), plane.points.shape[0], threshold, _("the grid"))
    train_acc, test_acc = _accuracies(predict, feature_map, output, X, y, X_test, y_test)

    if ax is None:
        _figure, ax = plt.subplots(figsize=(6.0 if colorbar else 5.2, 4.8), layout="constrained")
    painter = _Painter(ax, plane, output.kind, colorbar=colorbar, legend_loc="best")
    painter.draw(output, X, y, X_test, y_test, _title_with_accuracy(title, train_acc, test_acc))
    return ax


class LiveDecisionMap(PacedView):
    r"""A decision map redrawn in place while a model trains (one picture, no flicker).

    Like :class:`~neurona.plots.live.LiveCurves`: the picture is rendered to PNG
    off-screen and replaces the previous one through an IPython display handle; redraws
    are throttled to one every ``min_interval`` seconds (and rarer when drawing would cost
    more than ``max_overhead`` of the time), and the final state is always drawn. Outside
    a kernel nothing is shown, but ``last_png`` holds the picture.

    It is built for the Playground, where the map changes several times a second: the
    grid (and the features ``feature_map`` makes of it) is computed once and reused while
    the data keep their range, and one figure is kept whose image, points and title are
    updated in place; only the boundary line is drawn anew.

    Parameters
    ----------
    resolution : int
        Grid points per axis (100 gives 10,000 predictions per redraw).
    min_interval : float
        Shortest time between two redraws, in seconds.
    max_overhead : float
        Largest fraction of the elapsed time that drawing may take; 1 removes this limit.
    padding : float
        Margin around the points, in feature units.
    feature_map : callable, optional
        Turns points ``(M, 2)`` into the model's features; may be replaced between
        updates (the cached features are rebuilt).
    threshold : float, optional
        Where a one-column score turns into class 1 (default 0.5 for probabilities, else 0).
    width, height : float
        Size of the picture, in inches.
    dpi : int
        Resolution of the PNG.

    Attributes
    ----------
    redraws : int
        How many pictures were drawn.
    draw_seconds : float
        Total time spent computing and drawing them.
    last_png : bytes or None
        The latest picture.
    figure : matplotlib.figure.Figure or None
        The one figure that is redrawn (None before the first picture).

    Examples
    --------
    >>> import numpy as np
    >>> import neurona as nr
    >>> X = np.array([[-1.0, -1.0], [1.0, 1.0]]); y = np.array([0, 1])
    >>> view = nr.LiveDecisionMap(resolution=40)
    >>> view.update(lambda P: P.sum(axis=1), X, y, title="epoch 1")
    True
    >>> view.update(lambda P: P[:, 0], X, y, title="epoch 2")  # too soon after the first
    False
    >>> view.update(lambda P: P[:, 0], X, y, title="epoch 2", final=True)
    True
    >>> view.redraws, view.last_png[:4]
    (2, b'\x89PNG')
    """

    def __init__(
        self,
        resolution: int = 100,
        *,
        min_interval: float = 0.2,
        max_overhead: float = 0.25,
        padding: float = 0.5,
        feature_map: Callable[[np.ndarray], Any] | None = None,
        threshold: float | None = None,
        width: float = 5.4,
        height: float = 4.4,
        dpi: int = 80,
    ):
        self.pacer = RedrawPacer(min_interval, max_overhead)
        if feature_map is not None and not callable(feature_map):
            raise TypeError(_("feature_map must be a function of the points, got {value!r}")
                            .format(value=feature_map))
        self.resolution = _check_resolution(resolution)
        self.padding = _check_padding(padding)
        self.feature_map = feature_map
        self.threshold = None if threshold is None else float(threshold)
        self.width, self.height, self.dpi = float(width), float(height), int(dpi)
        self.last_png: bytes | None = None
        self._handle = None
        self._figure = None
        self._painter: _Painter | None = None
        self._background = None  # the unchanging part of the picture, for blitting
        self._plane: _Plane | None = None
        self._features: Any = None
        self._features_of: Any = None  # the feature_map the cached features came from

    @property
    def figure(self):
        """The figure that is redrawn in place (None before the first picture)."""
        return self._figure

    def update(
        self,
        model: Any,
        X: Any,
        y: Any,
        X_test: Any = None,
        y_test: Any = None,
        title: str | None = None,
        final: bool = False,
    ) -> bool:
        """Redraw the map of ``model`` if a redraw is due (always when ``final``).

        Parameters
        ----------
        model : object with ``predict(X)``, or a function
            The classifier as it is now.
        X, y : array-like
            Training points ``(N, 2)`` and their classes.
        X_test, y_test : array-like, optional
            Test points and classes, drawn hollow.
        title : str, optional
            Text before the accuracies in the title, e.g. ``"epoch 120 · loss 0.21"``.
        final : bool
            Draw even if the last picture is recent (the end of training).

        Returns
        -------
        bool
            True when a new picture was drawn.
        """
        if not (final or self.due()):
            return False
        start = time.perf_counter()
        self.last_png = self._render(model, X, y, X_test, y_test, title)
        self._show(self.last_png)
        self.pacer.drawn(time.perf_counter() - start)
        return True

    # -- internals -----------------------------------------------------------------------
    def _render(self, model, X, y, X_test, y_test, title) -> bytes:
        predict = _predict_function(model)
        X, y, X_test, y_test = _check_data(X, y, X_test, y_test)
        clouds = [X] if X_test is None else [X, X_test]
        plane = self._plane
        if plane is None or not plane.covers(clouds, self.padding):
            plane = self._plane = _Plane.around(clouds, self.resolution, self.padding)
            self._features = None
            self._painter = None  # new extent: new artists
        if self._features_of is not self.feature_map or self._features is None:
            self._features = _features(self.feature_map, plane.points)
            self._features_of = self.feature_map

        output = _read_output(
            predict(self._features),
            plane.points.shape[0],
            self.threshold,
            _("the grid"),
            allow_nan=True,
        )
        train_acc, test_acc = _accuracies(predict, self.feature_map, output, X, y, X_test, y_test)
        painter = self._painter
        if painter is None or painter.kind != output.kind:
            painter = self._painter = self._new_painter(plane, output.kind)
            self._background = None
        text = _title_with_accuracy(title, train_acc, test_acc)
        if painter.draw(output, X, y, X_test, y_test, text):
            self._background = None  # the legend or the colour scale changed
        canvas = self._figure.canvas
        if not painter.laid_out:
            # Lay the figure out once, then freeze it: the layout engine would otherwise
            # cost more than the rest of a redraw.
            canvas.draw()
            self._figure.set_layout_engine(None)
            painter.laid_out = True
        # Blitting: axes, ticks, colour bar and legend are drawn once into a background;
        # each redraw pastes it and draws only what changes on top.
        if self._background is None:
            painter.animate(True)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self._figure.bbox)
        else:
            canvas.restore_region(self._background)
        painter.draw_changing()
        return _png(canvas)

    def _new_painter(self, plane: _Plane, kind: str) -> _Painter:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        if self._figure is None:
            # A bare Figure, not pyplot: it never shows up by itself in a notebook.
            self._figure = Figure(figsize=(self.width, self.height), dpi=self.dpi)
            FigureCanvasAgg(self._figure)
        figure = self._figure
        figure.clear()
        figure.set_layout_engine("constrained")
        ax = figure.add_subplot()
        return _Painter(ax, plane, kind, colorbar=True, legend_loc="outside lower center")



def _png(canvas) -> bytes:
    """Encode the canvas as PNG, fast: RGB, light compression."""
    from PIL import Image

    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


# -- reading the inputs ------------------------------------------------------------------


def _predict_function(model: Any) -> Callable[[np.ndarray], Any]:
    predict = getattr(model, "predict", None)
    if callable(predict):
        if type(model).__module__.split(".")[0] in ("keras", "tf_keras"):
            # Keras prints a progress bar per call and batches by 32 unless told otherwise.
            return lambda points: predict(points, verbose=0, batch_size=8192)
        return predict
    if callable(model):
        return model
    raise TypeError(_("model must have a predict(X) method (or be a function of X), got {kind}")
                    .format(kind=type(model).__name__))


def _as_points(X: Any, name: str) -> np.ndarray:
    try:
        return points_2d(name, X, note=_("one row per point, features x1, x2"))
    except ValueError as error:
        columns = _columns(X)
        if columns > 2:
            raise ValueError(
                _("{error}. This picture needs the 2 raw features; if the model uses {columns} "
                  "features made from them, pass the raw points and feature_map=...").format(
                    error=error, columns=columns)
            ) from None
        raise


def _columns(X: Any) -> int:
    """Columns of a 2-D array-like; 0 for anything else (a ragged list too)."""
    try:
        shape = np.shape(X)
    except ValueError:
        return 0
    return shape[1] if len(shape) == 2 else 0


def class_labels(y: Any, n: int | None = None, name: str = "y") -> np.ndarray:
    """Read class labels as integers 0, 1, 2, ...; -1/+1 become 0/1, one-hot rows argmax.

    Parameters
    ----------
    y : array-like
        Labels ``(N,)`` or ``(N, 1)``, or one-hot rows ``(N, classes)``.
    n : int, optional
        The number of points they must label.
    name : str
        Name used in error messages.

    Returns
    -------
    numpy.ndarray of int

    Examples
    --------
    >>> class_labels([-1, 1, 1]).tolist()
    [0, 1, 1]
    >>> class_labels([[0, 1], [1, 0]]).tolist()
    [1, 0]
    """
    array = np.asarray(y)
    if array.dtype.kind not in "biuf":
        raise ValueError(_("{name} must hold class labels 0, 1, 2, ..., got dtype {dtype}").format(
            name=name, dtype=array.dtype))
    if array.ndim == 2 and array.shape[1] > 1:
        array = array.argmax(axis=1)
    elif array.ndim == 2:
        array = array[:, 0]
    elif array.ndim != 1:
        raise ValueError(_("{name} must be one label per point, shape (N,); got {shape}").format(
            name=name, shape=array.shape))
    if n is not None and array.shape[0] != n:
        raise ValueError(_("{name} has {labels} labels for {n} points; give one per point").format(
            name=name, labels=array.shape[0], n=n))
    values = array.astype(float)
    if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
        raise ValueError(_("{name} must hold whole-number class labels 0, 1, 2, ... (or -1/+1)")
                         .format(name=name))
    labels = values.astype(int)
    if labels.size and labels.min() < 0:
        if set(np.unique(labels).tolist()) <= {-1, 1}:
            return (labels > 0).astype(int)  # a perceptron's -1/+1 targets
        raise ValueError(_("{name} has a negative label ({label}); use 0, 1, 2, ... or -1/+1")
                         .format(name=name, label=labels.min()))
    return labels


def _check_data(X, y, X_test, y_test):
    X = _as_points(X, "X")
    y = class_labels(y, X.shape[0], "y")
    if (X_test is None) != (y_test is None):
        raise ValueError(_("give both X_test and y_test, or neither"))
    if X_test is not None:
        X_test = _as_points(X_test, "X_test")
        y_test = class_labels(y_test, X_test.shape[0], "y_test")
    return X, y, X_test, y_test


def _check_resolution(resolution: Any) -> int:
    return whole_number("resolution", resolution, 2, _MAX_RESOLUTION,
                        note=_("grid points per side"))


def _check_padding(padding: Any) -> float:
    return real_number("padding", padding, 0, note=_("a margin in feature units"))


def _features(feature_map, points: np.ndarray):
    if feature_map is None:
        return points
    features = feature_map(points)
    rows = np.shape(features)[0] if np.ndim(features) else None
    if rows != points.shape[0]:
        raise ValueError(
            _("feature_map must return one row of features per point: got shape {shape} for "
              "{n} points").format(shape=np.shape(features), n=points.shape[0])
        )
    return features


class _Plane:
    """The grid of points a decision map is computed on."""

    def __init__(self, xs: np.ndarray, ys: np.ndarray):
        self.xs, self.ys = xs, ys
        xx, yy = np.meshgrid(xs, ys)  # rows follow x2, as imshow(origin="lower") draws them
        self.points = np.column_stack([xx.ravel(), yy.ravel()])
        dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
        self.extent = (xs[0] - dx, xs[-1] + dx, ys[0] - dy, ys[-1] + dy)
        self.limits = (xs[0], xs[-1], ys[0], ys[-1])

    @classmethod
    def around(cls, clouds: list[np.ndarray], resolution: int, padding: float) -> _Plane:
        low, high = _bounds(clouds, padding)
        return cls(
            np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)
        )

    def covers(self, clouds: list[np.ndarray], padding: float) -> bool:
        """Whether this grid is the one :meth:`around` would make for ``clouds``."""
        low, high = _bounds(clouds, padding)
        return bool(
            np.allclose(low, (self.xs[0], self.ys[0]))
            and np.allclose(high, (self.xs[-1], self.ys[-1]))
        )


def _bounds(clouds: list[np.ndarray], padding: float) -> tuple[np.ndarray, np.ndarray]:
    stacked = np.concatenate(clouds)
    low, high = stacked.min(axis=0) - padding, stacked.max(axis=0) + padding
    flat = high - low <= 0  # every point on one line and no padding
    low, high = np.where(flat, low - 1, low), np.where(flat, high + 1, high)
    return low, high


class _Output:
    """The model's answer on a set of points, read as the module docstring says."""

    def __init__(
        self,
        kind,
        labels,
        values=None,
        probabilities=None,
        threshold=0.5,
        probability=True,
        finite=True,
    ):
        self.kind = kind  # "score" (two classes, one number per point) or "classes"
        self.labels = labels
        self.values = values  # "score": P(class 1) or the raw score
        self.probabilities = probabilities  # "classes": (M, k) probabilities
        self.threshold = threshold
        self.probability = probability  # "score": values are probabilities in 0..1
        self.finite = finite


def _read_output(
    raw: Any, rows: int, threshold: float | None, where: str, allow_nan: bool = False
) -> _Output:
    try:
        out = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            _("the model's predict must return numbers, got {kind}").format(kind=type(raw).__name__)
        ) from None
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim not in (1, 2) or out.shape[0] != rows:
        raise ValueError(
            _("the model's predict returned shape {shape} for {rows} points of {where}; "
              "expected (N,) or (N, 1) scores, or (N, classes) probabilities").format(
                shape=out.shape, rows=rows, where=where)
        )
    finite = bool(np.all(np.isfinite(out)))
    if not finite and not allow_nan:
        raise ValueError(
            _("the model's output holds NaN or infinite values; did the training diverge?")
        )
    seen = out[np.isfinite(out)]
    probability = bool(seen.size == 0 or (seen.min() >= 0 and seen.max() <= 1))
    with np.errstate(invalid="ignore", over="ignore"):
        if out.ndim == 1:
            cut = threshold if threshold is not None else (0.5 if probability else 0.0)
            labels = (out >= cut).astype(int)
            return _Output(
                "score", labels, values=out, threshold=cut, probability=probability, finite=finite
            )
        if not probability:  # logits: softmax gives the probabilities the model implies
            shifted = np.exp(out - out.max(axis=1, keepdims=True))
            out = shifted / shifted.sum(axis=1, keepdims=True)
        labels = np.nan_to_num(out, nan=-np.inf).argmax(axis=1)
        if out.shape[1] == 2:
            return _Output("score", labels, values=out[:, 1], threshold=0.5, finite=finite)
        return _Output("classes", labels, probabilities=out, finite=finite)


def _accuracies(predict, feature_map, grid_output, X, y, X_test, y_test):
    scores = []
    for points, labels in ((X, y), (X_test, y_test)):
        if points is None:
            scores.append(None)
            continue
        raw = predict(_features(feature_map, points))
        read = _read_output(raw, points.shape[0], grid_output.threshold, "X", allow_nan=True)
        if grid_output.kind == "score" and read.kind == "score":
            # The grid decided the threshold; use the same one for the points.
            with np.errstate(invalid="ignore"):
                predicted = (read.values >= grid_output.threshold).astype(int)
        else:
            predicted = read.labels
        scores.append(float(np.mean(predicted == labels)))
    return scores[0], scores[1]


def _title_with_accuracy(title: str | None, train: float | None, test: float | None) -> str:
    parts = [title if title is not None else _("Decision boundary")]
    if train is not None:
        parts.append(_("training accuracy {accuracy:.0%}").format(accuracy=train))
    if test is not None:
        parts.append(_("test {accuracy:.0%}").format(accuracy=test))
    return " · ".join(part for part in parts if part)


# -- drawing -----------------------------------------------------------------------------


def class_color(k: int) -> str:
    """Colour of class ``k`` (0, 1, ...) in the 2-D pictures, cycling through CLASS_COLORS.

    Examples
    --------
    >>> class_color(0), class_color(1)
    ('#D55E00', '#0072B2')
    """
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def tint(color: Any, amount: float = _TINT) -> tuple[float, float, float]:
    """``color`` mixed with white: ``amount`` of the colour, the rest white.

    Examples
    --------
    >>> tint("black", 0.25)
    (0.75, 0.75, 0.75)
    """
    from matplotlib.colors import to_rgb

    rgb = np.asarray(to_rgb(color))
    mixed = 1.0 - amount * (1.0 - rgb)
    return (float(mixed[0]), float(mixed[1]), float(mixed[2]))


def two_class_cmap() -> Colormap:
    """Colormap from class 0 (tinted vermillion) through white to class 1 (tinted blue).

    Examples
    --------
    >>> import numpy as np
    >>> cmap = two_class_cmap()
    >>> bool(np.allclose(cmap(0.5)[:3], 1.0, atol=0.01))  # white at 0.5
    True
    """
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        "neurona_two_classes", [tint(class_color(0)), (1.0, 1.0, 1.0), tint(class_color(1))]
    )


def draw_points(ax: Axes, X: np.ndarray, labels: np.ndarray, hollow: bool = False, **style: Any):
    """Scatter points in their class colours: filled with a dark edge, or hollow."""
    colors = [class_color(k) for k in labels]
    if hollow:
        return ax.scatter(
            X[:, 0],
            X[:, 1],
            s=style.pop("s", 42),
            facecolors="none",
            edgecolors=colors,
            linewidths=1.6,
            zorder=3,
            **style,
        )
    return ax.scatter(
        X[:, 0],
        X[:, 1],
        s=style.pop("s", 36),
        c=colors,
        edgecolors=EDGE_COLOR,
        linewidths=0.8,
        zorder=3,
        **style,
    )


def class_legend_handles(
    classes: list[int],
    names: dict[int, str] | None = None,
    test: bool = False,
    boundary: str | None = None,
) -> list:
    """Proxy artists for a legend: one filled marker per class, a hollow one for test points."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=6,
            markerfacecolor=class_color(k),
            markeredgecolor=EDGE_COLOR,
            label=names[k] if names and k in names else _("class {k}").format(k=k),
        )
        for k in classes
    ]
    if test:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markersize=6.5,
                markerfacecolor="none",
                markeredgecolor="#555555",
                markeredgewidth=1.6,
                label=_("test (hollow)"),
            )
        )
    if boundary:
        handles.append(Line2D([], [], color=BOUNDARY_COLOR, linewidth=2, label=boundary))
    return handles


class _Painter:
    """The artists of one decision map, created once and updated in place."""

    def __init__(self, ax: Axes, plane: _Plane, kind: str, colorbar: bool, legend_loc: str):
        self.ax, self.plane, self.kind = ax, plane, kind
        self.legend_loc = legend_loc
        self.laid_out = False
        self._contours: list = []
        self._legend_key: Any = None
        self._colorbar = None
        self._legend = None
        self._scale: Any = None
        self._animated = False
        shape = (plane.ys.size, plane.xs.size)
        if kind == "score":
            self.image = ax.imshow(
                np.full(shape, 0.5),
                origin="lower",
                extent=plane.extent,
                cmap=two_class_cmap(),
                vmin=0.0,
                vmax=1.0,
                interpolation="bilinear",
                zorder=0,
            )
            if colorbar:
                self._colorbar = ax.figure.colorbar(self.image, ax=ax, fraction=0.046, pad=0.04)
        else:
            self.image = ax.imshow(
                np.ones(shape + (4,)),
                origin="lower",
                extent=plane.extent,
                interpolation="bilinear",
                zorder=0,
            )
        empty = np.empty((0, 2))
        self.train = ax.scatter(
            empty[:, 0], empty[:, 1], s=36, edgecolors=EDGE_COLOR, linewidths=0.8, zorder=3
        )
        self.test = ax.scatter(
            empty[:, 0], empty[:, 1], s=42, facecolors="none", linewidths=1.6, zorder=3
        )
        self.test.set_gid("test points")
        self.train.set_gid("training points")
        x0, x1, y0, y1 = plane.limits
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")

    def draw(self, output: _Output, X, y, X_test, y_test, title: str) -> bool:
        """Show ``output`` and the points.

        Returns True when a part that :meth:`draw_changing` does not redraw (the legend,
        the colour scale) changed.
        """
        ax, plane = self.ax, self.plane
        shape = (plane.ys.size, plane.xs.size)
        for contour in self._contours:
            contour.remove()
        self._contours = []
        scale: Any = None
        if output.kind == "score":
            values = output.values.reshape(shape)
            if output.probability:
                low, high = 0.0, 1.0
                label = _("P(class 1)")
            else:
                finite = np.abs(values[np.isfinite(values)] - output.threshold)
                # A rounded-up range changes rarely, so the colour bar is seldom redrawn.
                m = _nice_ceiling(float(finite.max()) if finite.size else 0.0)
                low, high = output.threshold - m, output.threshold + m
                label = _("model score (class 1 where ≥ {threshold:g})").format(
                    threshold=output.threshold)
            self.image.set_data(np.ma.masked_invalid(values))
            self.image.set_clim(low, high)
            if self._colorbar is not None:
                self._colorbar.set_label(label)
            scale = (low, high, label)
            self._contour(values, output.threshold)
        else:
            probabilities = output.probabilities
            k = probabilities.shape[1]
            confidence = np.nan_to_num(probabilities.max(axis=1), nan=0.0)
            sureness = np.clip((confidence - 1 / k) / (1 - 1 / k), 0.0, 1.0)
            palette = np.array([tint(class_color(c), 1.0) for c in range(k)])
            rgb = palette[output.labels]
            alpha = 0.18 + 0.42 * sureness  # pale where the model hesitates
            rgba = np.concatenate([rgb, alpha[:, None]], axis=1).reshape(shape + (4,))
            self.image.set_data(rgba)
            filled = np.nan_to_num(probabilities, nan=0.0)
            for c in np.unique(output.labels):
                others = np.delete(filled, c, axis=1).max(axis=1)
                self._contour((filled[:, c] - others).reshape(shape), 0.0)

        self.train.set_offsets(X)
        self.train.set_facecolors([class_color(k) for k in y])
        if X_test is not None:
            self.test.set_offsets(X_test)
            self.test.set_edgecolors([class_color(k) for k in y_test])
        else:
            self.test.set_offsets(np.empty((0, 2)))
        if not output.finite:
            title += " · " + _("output has NaN: training diverged?")
        ax.set_title(title)

        classes = sorted(set(y.tolist()) | (set() if y_test is None else set(y_test.tolist())))
        key = (tuple(classes), X_test is not None)
        changed = scale != self._scale
        self._scale = scale
        if key != self._legend_key:
            if self._legend is not None:
                self._legend.remove()
            handles = class_legend_handles(
                classes, test=X_test is not None, boundary=_("decision boundary")
            )
            style = {"handles": handles, "fontsize": "small", "framealpha": 0.85}
            if self.legend_loc.startswith("outside"):
                self._legend = ax.figure.legend(loc=self.legend_loc, ncol=len(handles), **style)
            else:
                self._legend = ax.legend(loc=self.legend_loc, **style)
            self._legend_key = key
            changed = True
        return changed

    def animate(self, animated: bool) -> None:
        """Leave the changing artists out of full draws (they are blitted by hand)."""
        self._animated = animated
        for artist in self._changing():
            artist.set_animated(animated)

    def draw_changing(self) -> None:
        """Draw the changing artists onto the canvas, over the pasted background."""
        for artist in self._changing():
            self.ax.draw_artist(artist)
        for spine in self.ax.spines.values():  # the image covers their inner half
            self.ax.draw_artist(spine)

    def _changing(self) -> list:
        return [self.image, *self._contours, self.train, self.test, self.ax.title]

    def _contour(self, values: np.ndarray, level: float) -> None:
        finite = values[np.isfinite(values)]
        # No crossing, no line (and no matplotlib warning about an empty contour).
        if finite.size == 0 or not finite.min() < level < finite.max():
            return
        contour = self.ax.contour(
            self.plane.xs,
            self.plane.ys,
            np.ma.masked_invalid(values),
            levels=[level],
            colors=BOUNDARY_COLOR,
            linewidths=2,
            zorder=2,
        )
        contour.set_gid("decision boundary")
        contour.set_animated(self._animated)
        self._contours.append(contour)


def _nice_ceiling(value: float) -> float:
    """Round ``value`` up to 1, 2 or 5 x 10^k (1 for 0), so that a colour scale moves rarely.

    Examples
    --------
    >>> _nice_ceiling(3.2), _nice_ceiling(0.07), _nice_ceiling(0.0)
    (5.0, 0.1, 1.0)
    """
    if not np.isfinite(value) or value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * power >= value * (1 - 1e-12):
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns
