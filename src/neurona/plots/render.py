"""Off-screen figures for views and widgets that update one picture in place.

A figure made here is not registered with pyplot, so Jupyter's inline backend never shows
it by itself and it is freed with its owner; the picture reaches the notebook as PNG bytes
(an ``ipywidgets.Image`` value or an IPython display update).
"""

from __future__ import annotations

import io


def new_figure(width: float, height: float, dpi: int = 80):
    r"""Return a matplotlib Figure with an Agg canvas, outside pyplot.

    Examples
    --------
    >>> fig = new_figure(4, 3)
    >>> figure_png(fig).startswith(b"\x89PNG")
    True
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure, dpi: int | None = None) -> bytes:
    """Render ``figure`` to PNG bytes (at its own dpi unless ``dpi`` is given)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi or figure.dpi)
    return buffer.getvalue()


def pyplot_png(figure) -> bytes:
    """Render a figure made through pyplot to PNG and close it, so it is not shown twice."""
    import matplotlib.pyplot as plt

    try:
        return figure_png(figure)
    finally:
        plt.close(figure)


def kernel_shell():
    """Return the IPython shell when running inside a Jupyter kernel (which shows images).

    None in a plain script or terminal, where there is nothing to draw into.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None
