"""Two-dimensional loss surfaces for the optimizer race, with their exact gradients.

Each :class:`Surface` is a function ``f(x, y)`` a student can picture: a long narrow valley,
Rosenbrock's banana, a saddle, a plateau. It knows its analytic gradient, a start point
where the race begins, its minimum and a plotting window. :func:`race` lets several
optimizers from :mod:`neurona.scratch.optimizers` descend the same surface from the same
point and returns their trajectories; :func:`losses_along` gives the loss along one of them.

Examples
--------
>>> import neurona as nr
>>> racers = {"GD": nr.scratch.GD(1e-3), "Adam": nr.scratch.Adam(0.05)}
>>> paths = nr.scratch.race("rosenbrock", racers, steps=300)
>>> paths["Adam"].shape
(301, 2)
>>> final = {name: nr.scratch.losses_along("rosenbrock", path)[-1] for name, path in paths.items()}
>>> bool(final["Adam"] < final["GD"])
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from neurona.i18n import _
from neurona.scratch.optimizers import Optimizer
from neurona.validate import one_of, points_2d, real_number, whole_number

__all__ = ["SURFACES", "Surface", "get_surface", "race", "diverged", "losses_along"]


@dataclass(frozen=True)
class Surface:
    """A loss surface ``f(x, y)`` with its gradient, a start point and a plotting window.

    Parameters
    ----------
    name : str
        The name used in :data:`SURFACES`, e.g. ``"rosenbrock"``.
    f : callable
        ``f(x, y)``, element-wise on arrays (so it works on a ``meshgrid`` for contours).
    grad : callable
        ``grad(x, y)``: the array ``[df/dx, df/dy]``, stacked on a new first axis.
    start : tuple of float
        Where the race starts.
    minimum : tuple of float
        A global minimum (the one the race should reach from ``start``).
    xlim, ylim : tuple of float
        A window that shows the start, the minimum and the interesting part.
    formula : str
        The formula as a student would write it.
    lesson : str
        What the surface shows about optimizers.

    Examples
    --------
    >>> s = get_surface("elongated")
    >>> s.value(s.minimum)
    0.0
    >>> s.gradient((1.0, 1.0))
    array([ 1., 25.])
    """

    name: str
    f: Callable
    grad: Callable
    start: tuple[float, float]
    minimum: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    formula: str = ""
    lesson: str = ""

    def value(self, point) -> float:
        """Return the loss at ``point = (x, y)``."""
        x, y = _point(point)
        return float(self.f(x, y))

    def gradient(self, point) -> np.ndarray:
        """Return the gradient ``[df/dx, df/dy]`` at ``point = (x, y)``, shape ``(2,)``."""
        x, y = _point(point)
        return np.asarray(self.grad(x, y), dtype=np.float64)

    @property
    def bound(self) -> float:
        """Distance from the origin beyond which :func:`race` calls a run diverged."""
        return 10.0 * max(abs(v) for v in (*self.xlim, *self.ylim))

    def grid(self, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``X, Y, Z`` on an ``n`` by ``n`` grid over the window, ready for ``contour``.

        Examples
        --------
        >>> X, Y, Z = get_surface("saddle").grid(5)
        >>> Z.shape
        (5, 5)
        """
        xs = np.linspace(*self.xlim, n)
        ys = np.linspace(*self.ylim, n)
        X, Y = np.meshgrid(xs, ys)
        return X, Y, self.f(X, Y)

    def __repr__(self) -> str:
        return f"Surface({self.name!r}: {self.formula})"


def _point(point) -> tuple[np.float64, np.float64]:
    p = np.asarray(point, dtype=np.float64)
    if p.shape != (2,):
        raise ValueError(_("a point on a surface is (x, y), got an array of shape {shape}")
                         .format(shape=p.shape))
    return p[0], p[1]


# -- the surfaces -------------------------------------------------------------------------------
#: Curvature of the elongated quadratic across the valley (along x it is 1): the condition
#: number. Gradient descent converges only for learning_rate < 2 / ELONGATION.
ELONGATION = 25.0


def _elongated(x, y):
    return 0.5 * (x**2 + ELONGATION * y**2)


def _elongated_grad(x, y):
    return np.stack(np.broadcast_arrays(1.0 * x, ELONGATION * y)).astype(np.float64)


def _rosenbrock(x, y, a=1.0, b=100.0):
    return (a - x) ** 2 + b * (y - x**2) ** 2


def _rosenbrock_grad(x, y, a=1.0, b=100.0):
    dx = -2.0 * (a - x) - 4.0 * b * x * (y - x**2)
    dy = 2.0 * b * (y - x**2)
    return np.stack(np.broadcast_arrays(dx, dy)).astype(np.float64)


def _saddle(x, y):
    return 0.5 * x**2 - 0.5 * y**2 + 0.25 * y**4


def _saddle_grad(x, y):
    return np.stack(np.broadcast_arrays(1.0 * x, y**3 - y)).astype(np.float64)


#: Width of the plateau's bowl: beyond about 2 * PLATEAU_WIDTH from the centre the surface
#: is almost flat.
PLATEAU_WIDTH = 1.0


def _plateau(x, y):
    return 1.0 - np.exp(-(x**2 + y**2) / (2 * PLATEAU_WIDTH**2))


def _plateau_grad(x, y):
    e = np.exp(-(x**2 + y**2) / (2 * PLATEAU_WIDTH**2)) / PLATEAU_WIDTH**2
    return np.stack(np.broadcast_arrays(e * x, e * y)).astype(np.float64)


#: Every surface by name.
SURFACES: dict[str, Surface] = {
    s.name: s
    for s in [
        Surface(
            "elongated",
            _elongated,
            _elongated_grad,
            start=(-4.5, 1.5),
            minimum=(0.0, 0.0),
            xlim=(-5.0, 5.0),
            ylim=(-2.0, 2.0),
            formula="f = (x**2 + 25 y**2) / 2",
            lesson="A narrow valley (condition number 25): gradient descent zig-zags across "
            "it and diverges for learning_rate > 2/25 = 0.08; momentum cancels the "
            "zig-zag and adaptive methods rescale each axis.",
        ),
        Surface(
            "rosenbrock",
            _rosenbrock,
            _rosenbrock_grad,
            start=(-1.5, 2.0),
            minimum=(1.0, 1.0),
            xlim=(-2.0, 2.0),
            ylim=(-1.0, 3.0),
            formula="f = (1 - x)**2 + 100 (y - x**2)**2",
            lesson="A curved banana-shaped valley: reaching the valley floor is easy, "
            "following it to (1, 1) is slow.",
        ),
        Surface(
            "saddle",
            _saddle,
            _saddle_grad,
            start=(2.0, 0.01),
            minimum=(0.0, 1.0),
            xlim=(-2.5, 2.5),
            ylim=(-2.0, 2.0),
            formula="f = x**2 / 2 - y**2 / 2 + y**4 / 4",
            lesson="A saddle point at (0, 0) between two minima (0, 1) and (0, -1), both with "
            "f = -1/4. Starting just off the ridge, the gradient along y is tiny: "
            "gradient descent lingers near the saddle, momentum and Adam escape.",
        ),
        Surface(
            "plateau",
            _plateau,
            _plateau_grad,
            start=(3.0, 2.0),
            minimum=(0.0, 0.0),
            xlim=(-4.0, 4.0),
            ylim=(-4.0, 4.0),
            formula="f = 1 - exp(-(x**2 + y**2) / 2)",
            lesson="A bowl with a flat rim: far from the centre the gradient is about 1e-3, "
            "so gradient descent crawls while Adam, which divides by the gradient's "
            "size, moves at its full step.",
        ),
    ]
}


def get_surface(name: str | Surface) -> Surface:
    """Return the :class:`Surface` called ``name``.

    Parameters
    ----------
    name : str or Surface
        One of the keys of :data:`SURFACES`; a :class:`Surface` is returned as is.

    Returns
    -------
    Surface

    Raises
    ------
    ValueError
        For an unknown name; the message lists the allowed ones.

    Examples
    --------
    >>> get_surface("rosenbrock").start
    (-1.5, 2.0)
    """
    if isinstance(name, Surface):
        return name
    return SURFACES[one_of("surface", name, SURFACES)]


# -- the race -----------------------------------------------------------------------------------
def race(
    surface: str | Surface,
    optimizers: Mapping[str, Optimizer],
    steps: int = 200,
    start=None,
    bound: float | None = None,
) -> dict[str, np.ndarray]:
    """Let each optimizer descend ``surface`` from the same start; return the paths.

    Every optimizer is :meth:`~neurona.scratch.optimizers.Optimizer.reset` first, so the
    same instances can run one race after another.

    Parameters
    ----------
    surface : str or Surface
        The surface, or its name in :data:`SURFACES`.
    optimizers : mapping of str to Optimizer
        Legend label -> optimizer, e.g. ``{"GD 0.01": GD(0.01), "Adam": Adam(0.1)}``.
    steps : int, default 200
        Number of steps each optimizer takes.
    start : (float, float), optional
        Where to start; by default ``surface.start``.
    bound : float, optional
        A run that gets farther than this from the origin has diverged; by default
        ``surface.bound`` (ten times the plotting window).

    Returns
    -------
    dict of str to numpy.ndarray
        For each label, the points visited, shape ``(steps + 1, 2)``, row 0 being the
        start. A run that diverges stops: its first point beyond ``bound`` is kept (if
        finite) and the rows after it are NaN, so the plotted line ends there.
        :func:`diverged` tells such a run apart.

    Raises
    ------
    ValueError
        For an unknown surface, a bad ``steps``, ``start`` or ``bound``, or a value of
        ``optimizers`` that is not an optimizer.

    Examples
    --------
    >>> import neurona as nr
    >>> racers = {"too big": nr.scratch.GD(0.1), "fine": nr.scratch.GD(0.05)}
    >>> paths = nr.scratch.race("elongated", racers, steps=100)
    >>> nr.scratch.diverged(paths["too big"]), nr.scratch.diverged(paths["fine"])
    (True, False)
    """
    surface = get_surface(surface)
    steps = whole_number("steps", steps, 0)
    start = np.asarray(surface.start if start is None else start, dtype=np.float64)
    if start.shape != (2,) or not np.isfinite(start).all():
        raise ValueError(_("start must be a finite point (x, y), got {start!r}").format(
            start=start.tolist()))
    bound = real_number("bound", surface.bound if bound is None else bound, 0, low_open=True)
    if not isinstance(optimizers, Mapping):
        raise ValueError(_("optimizers must be a dict of label -> optimizer, e.g. {example}")
                         .format(example="{'GD': GD(0.01)}"))
    for label, opt in optimizers.items():
        if not isinstance(opt, Optimizer):
            raise ValueError(
                _("optimizers[{label!r}] must be an optimizer such as GD(0.01) "
                  "or get_optimizer('adam', learning_rate=0.1), got {opt!r}").format(
                    label=label, opt=opt)
            )

    paths = {}
    for label, opt in optimizers.items():
        opt.reset()
        path = np.full((int(steps) + 1, 2), np.nan)
        path[0] = point = start
        # A diverging run overflows on its way out; that is the lesson, not a warning.
        with np.errstate(all="ignore"):
            for k in range(1, int(steps) + 1):
                point = opt.step(point, surface.gradient(point))
                if not np.isfinite(point).all():
                    break
                path[k] = point
                if math.hypot(*point) > bound:
                    break
        paths[label] = path
    return paths


def diverged(trajectory) -> bool:
    """Whether a path from :func:`race` stopped early because it diverged.

    Examples
    --------
    >>> diverged(np.array([[0.0, 0.0], [1e9, 0.0], [np.nan, np.nan]]))
    True
    """
    trajectory = np.asarray(trajectory, dtype=np.float64)
    return bool(trajectory.size) and bool(np.isnan(trajectory[-1]).any())


def losses_along(surface: str | Surface, trajectory) -> np.ndarray:
    """Return the loss at every point of a path: ``f(x_k, y_k)``, NaN after a run stopped.

    Parameters
    ----------
    surface : str or Surface
        The surface the path ran on.
    trajectory : array_like, shape (n, 2)
        A path from :func:`race`.

    Returns
    -------
    numpy.ndarray, shape (n,)

    Examples
    --------
    >>> losses_along("elongated", [[1.0, 0.0], [0.0, 0.2]])
    array([0.5, 0.5])
    """
    surface = get_surface(surface)
    trajectory = points_2d("trajectory", trajectory, finite=False)
    with np.errstate(all="ignore"):
        return np.asarray(surface.f(trajectory[:, 0], trajectory[:, 1]), dtype=np.float64)
