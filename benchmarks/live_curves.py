"""What the live learning curves cost a Keras fit, the old way and the new, in one run.

    .venv/bin/python benchmarks/live_curves.py [--fit-seconds 8] [--epochs 8] [--repeats 3]
                                              [--shots DIR] [--json FILE] [--restart]

A small Keras MLP (64 -> 128 -> 128 -> 2) fits synthetic data (no download) with
``validation_split=0.1``, so the view draws two panels (loss, accuracy), each for about
``--fit-seconds`` (the data are sized to that after a first timed epoch). Each repeat fits
four times, in an order that rotates: bare (no view), with the OLD, KEPT and NEW views
(all through ``neurona.Track``, which keeps drawing out of the epochs' times).

- OLD: ``LiveCurves`` before issue 21 (kept here only, for comparison): a new set of axes,
  ``tight_layout`` and ``savefig`` for every picture, paced by the gap since the last
  picture (at most 2% of the time after it) with the final picture always drawn.
- KEPT: ``LiveCurves`` after the first step of issue 21 (kept here only): the figure and
  its lines kept, but a full ``canvas.draw()`` for every picture, paced within 1%.
- NEW: the kit's ``LiveCurves`` with its defaults: the frame drawn once (again only when
  the limits move), each picture only the lines, legends and title over it; a frame's
  pixels are kept across views, so that the next fit with an equal frame does not draw it;
  a view's figure is handed on after its final picture to the next view of the same
  layout, with its panels and ticks made; a legend's inside is pasted from pixels kept
  wherever the same legend was drawn before; a fit's first picture keeps the limits of the
  fit before when its values fit them.

It prints per view: pictures per fit, ms per picture, drawing seconds per fit and their
share of the fit's wall time. Issue 21's goal: drawing <= 1% of a fit. The first fit of
each view is a warm-up (imports, fonts, tracing) and is not counted: the counted fits
measure a kernel that has drawn a picture before. NEW's warm-up fit plans 2 epochs, so
its frame differs, and the kept frames are emptied before the counted fits: NEW's first
counted fit draws its frame on the figure the warm-up handed on (as the next fit of a
notebook does); later ones draw it again when their limits differ, or find it kept (as a
cell run again does). NEW's fits are summed up apart by whether their first picture drew
the frame. One more NEW fit, after the counted ones, finds nothing kept (frame, figure,
legends, limits: as the first fit of a notebook, less the imports and fonts), and the warm-up fit's
first picture is the first NEW picture in the process. By default each fit goes on
training the same model, so that its first losses, and the limits chosen for them, differ
from the fit before; with ``--restart`` each fit starts again from the same weights and
optimizer state, as a cell run again after ``nr.seed`` does, and the frame can repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import textwrap
import time

import keras
import numpy as np

import neurona as nr
from neurona.plots import live
from neurona.plots.live import LiveCurves, _title
from neurona.plots.render import RedrawPacer


class OldLiveCurves(LiveCurves):
    """``LiveCurves`` before issue 21: a figure redrawn from scratch for every picture."""

    def __init__(self, *, min_interval: float = 0.5, max_overhead: float = 0.02, **kwargs):
        super().__init__(min_interval=min_interval, max_overhead=max_overhead, **kwargs)
        self.pacer = RedrawPacer(min_interval, max_overhead)

    def update(self, record, *, final: bool = False) -> bool:
        if not record.history or not (final or self.due()):
            return False
        start = time.perf_counter()
        self.last_png = self._render(record, final)
        self._show(self.last_png)
        self.pacer.drawn(time.perf_counter() - start)
        return True

    def _render(self, record, final: bool) -> bytes:
        from neurona.plots.curves import plot_learning_curves
        from neurona.plots.render import figure_png, new_figure
        from neurona.plots.style import figure_size, split_metric

        bases = []
        for metric in record.metrics():
            base, _validation = split_metric(metric)
            if base not in bases and (self.metrics is None or base in self.metrics):
                bases.append(base)
        bases.sort(key=lambda base: base != "loss")
        columns = min(len(bases), 2)
        rows = -(-len(bases) // columns)
        if self._figure is None or len(self._figure.axes) != len(bases):
            self._figure = new_figure(*figure_size(self.width * columns, self.height * rows),
                                      self.dpi)
        fig = self._figure
        fig.clear()
        axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
        for extra in axes[len(bases):]:
            fig.delaxes(extra)
        width_in = fig.get_size_inches()[0]
        chars = max(20, int(width_in * 72 / (0.62 * 12)))
        title = textwrap.fill(_title(record, final), chars)
        plot_learning_curves(record, metrics=bases, axes=axes[: len(bases)], title=title)
        fig.tight_layout()
        return figure_png(fig)


class KeptFigureLiveCurves(LiveCurves):
    """``LiveCurves`` after issue 21's first step: the figure kept, a full drawing a picture.

    Its panels are made anew whenever it lays them out, and it takes no figure from another
    view, as then.
    """

    def _build(self, record, bases, final: bool) -> None:
        from neurona.plots.curves import plot_learning_curves
        from neurona.plots.render import new_figure
        from neurona.plots.style import figure_size

        columns = min(len(bases), 2)
        rows = -(-len(bases) // columns)
        if self._figure is None or len(self._figure.axes) != len(bases):
            self._figure = new_figure(*figure_size(self.width * columns, self.height * rows),
                                      self.dpi)
        self._layout = ("kept", id(self))  # never one a NEW view asks for
        fig = self._figure
        fig.clear()
        axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
        for extra in axes[len(bases):]:
            fig.delaxes(extra)
        title = self._wrapped_title(record, final)
        plot_learning_curves(record, metrics=bases, axes=axes[: len(bases)], title=title)
        for ax in axes[: len(bases)]:
            ax.set_title(ax.get_title(), y=1.0)
        self._title_lines = title.count("\n")
        live._fixed_margins(fig, rows, columns, title_lines=self._title_lines + 1)

    def update(self, record, *, final: bool = False) -> bool:
        drawn = super().update(record, final=final)
        if self._handed_on:  # not offered to other views, as then
            live._take(self._layout, self._figure)
            self._handed_on = False
        return drawn

    def _render(self, record, final: bool) -> bytes:
        from neurona.plots.live import _finite, _leave_lone_point, _lone_point, _panels
        from neurona.plots.raster import canvas_image, png_bytes

        panels = _panels(record, self.metrics)
        shape = (id(record), tuple(panels))
        lone = [_lone_point(record, keys) for _base, keys in panels]
        if (self._figure is None or shape != self._shape
                or any(now and not before for now, before in zip(lone, self._lone, strict=True))):
            self._build(record, [base for base, _keys in panels], False)
            self._shape = shape
        else:
            for ax, (_base, keys), now, before in zip(self._figure.axes, panels, lone,
                                                      self._lone, strict=True):
                lines = ax.get_lines()
                for line, key in zip(lines, [k for k in keys if k is not None], strict=True):
                    values = _finite(record.history[key])
                    line.set_data(np.arange(1, values.size + 1), values)
                if before and not now:
                    _leave_lone_point(ax)
                ax.relim()
                ax.autoscale_view()
        self._lone = lone
        self._figure.suptitle(self._wrapped_title(record, final))
        self._figure.canvas.draw()
        return png_bytes(canvas_image(self._figure.canvas))


def build(features: int) -> keras.Model:
    nr.seed(0)
    model = keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def fit(model, x, y, epochs: int, view) -> dict:
    """Fit once; with a view, through Track. Returns wall seconds and the view's drawing."""
    callbacks = [] if view is None else [
        nr.Track(live=view, ledger=nr.Ledger(), verbose=False)]
    costs, framed = [], []
    if view is not None:  # each picture's cost, and whether it drew the frame
        drawn = view.pacer.drawn

        def timed(seconds):
            costs.append(seconds)
            framed.append(bool(getattr(view, "_framed", True)))
            drawn(seconds)
        view.pacer.drawn = timed
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=64, validation_split=0.1, verbose=0,
              callbacks=callbacks)
    seconds = time.perf_counter() - start
    if view is None:
        return {"seconds": seconds}
    return {"seconds": seconds, "pictures": view.redraws, "draw_seconds": view.draw_seconds,
            "ms_each": [round(1000 * cost, 1) for cost in costs], "frame_drawn": framed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-seconds", type=float, default=8.0)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shots", help="also save each view's last picture to this folder")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--restart", action="store_true",
                        help="start each counted fit from the same weights (a cell run again)")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    features = 64
    w = rng.normal(size=features)

    def data(n):
        x = rng.normal(size=(n, features)).astype("float32")
        return x, (x @ w + 0.5 * rng.normal(size=n) > 0).astype("int32")

    model = build(features)
    x, y = data(20_000)
    fit(model, x, y, 1, None)  # tracing
    start = ([v.numpy() for v in model.weights], [v.numpy() for v in model.optimizer.variables])

    def restart():
        for variable, value in zip(model.weights + model.optimizer.variables,
                                   start[0] + start[1], strict=True):
            variable.assign(value)
    epoch = fit(model, x, y, 1, None)["seconds"]
    n = int(20_000 * args.fit_seconds / args.epochs / epoch)
    x, y = data(n)
    print(f"{n:,} samples, {args.epochs} epochs, about {args.fit_seconds:g} s a fit; "
          f"{nr.hardware_report().summary()}")

    sides = {"bare": lambda: None, "old": OldLiveCurves, "kept": KeptFigureLiveCurves,
             "new": LiveCurves}
    # Warm-up: imports, fonts, the first figure.
    warm = {make: fit(model, x[:2000], y[:2000], 2, make())
            for make in (OldLiveCurves, KeptFigureLiveCurves, LiveCurves)}
    live._FRAMES.clear()
    results = {side: [] for side in sides}
    views = {}
    for repeat in range(args.repeats):
        order = list(sides)[repeat % len(sides):] + list(sides)[:repeat % len(sides)]
        for side in order:
            view = sides[side]()
            if args.restart:
                restart()
            results[side].append(fit(model, x, y, args.epochs, view))
            views[side] = view
        print(f"repeat {repeat + 1}: " + ", ".join(
            f"{side} {results[side][-1]['seconds']:.2f} s" for side in sides))
    # One more NEW fit that finds nothing kept (frame, figure, legends, limits), as the first
    # fit of a notebook (less the imports and fonts).
    live._forget_kept()
    if args.restart:
        restart()
    alone = fit(model, x, y, args.epochs, LiveCurves())

    summary = {}
    for side in ("old", "kept", "new"):
        runs = results[side]
        pictures = statistics.median(r["pictures"] for r in runs)
        drawing = statistics.median(r["draw_seconds"] for r in runs)
        share = statistics.median(r["draw_seconds"] / r["seconds"] for r in runs)
        per_picture = statistics.median(r["draw_seconds"] / r["pictures"] for r in runs)
        first = statistics.median(r["ms_each"][0] for r in runs)
        summary[side] = {"pictures": pictures, "ms_per_picture": 1000 * per_picture,
                         "first_ms": first, "draw_seconds": drawing, "share_of_fit": share}
        print(f"{side:>4}: {pictures:g} pictures a fit, {1000 * per_picture:.0f} ms each "
              f"(the first {first:.0f} ms), {drawing:.3f} s drawing = {share:.2%} of the fit; "
              f"last fit's pictures (ms): {runs[-1]['ms_each']}")
    # NEW's fits apart: the first picture drew its frame, or found it kept.
    runs = results["new"]
    for label, part in (("frame drawn", [r for r in runs if r["frame_drawn"][0]]),
                        ("frame kept", [r for r in runs if not r["frame_drawn"][0]]),
                        ("nothing kept", [alone])):
        if part:
            share = statistics.median(r["draw_seconds"] / r["seconds"] for r in part)
            first = statistics.median(r["ms_each"][0] for r in part)
            summary["new"][label.replace(" ", "_")] = {
                "fits": len(part), "share_of_fit": share, "first_ms": first,
                "max_share": max(r["draw_seconds"] / r["seconds"] for r in part)}
            print(f" new, {len(part)} fit(s), {label}: {share:.2%} of the fit (at most "
                  f"{summary['new'][label.replace(' ', '_')]['max_share']:.2%}), first picture "
                  f"{first:.0f} ms; pictures (ms): {[r['ms_each'] for r in part]}")
    print(f" new, warm-up fit (the first NEW picture in the process): first picture "
          f"{warm[LiveCurves]['ms_each'][0]:.0f} ms")
    old, new = summary["old"], summary["new"]
    kept = summary["kept"]
    print(f"new/kept: {kept['ms_per_picture'] / new['ms_per_picture']:.1f}x less per picture, "
          f"{kept['share_of_fit'] / new['share_of_fit']:.1f}x less of the fit")
    print(f"new/old: {old['ms_per_picture'] / new['ms_per_picture']:.1f}x less per picture, "
          f"{old['share_of_fit'] / new['share_of_fit']:.1f}x less of the fit; bare fit "
          f"{statistics.median(r['seconds'] for r in results['bare']):.2f} s")
    if args.shots:
        os.makedirs(args.shots, exist_ok=True)
        for side in ("old", "kept", "new"):
            path = os.path.join(args.shots, f"live2-bench-{side}.png")
            with open(path, "wb") as handle:
                handle.write(views[side].last_png)
            print("saved", path)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"runs": results, "summary": summary}, handle, indent=2)


if __name__ == "__main__":
    main()
