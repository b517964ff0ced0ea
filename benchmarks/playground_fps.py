"""How many pictures a second the Playground trains and draws, the old way and the new, headless.

    .venv/bin/python benchmarks/playground_fps.py [--seconds 10] [--shots DIR] [--json FILE]

Each frame = one epoch of mini-batch training of a 2x8 tanh network on 500 points (250 for
training, batch 10) + the decision surface on a 60x60 grid + the loss curves, as a PNG.

- OLD: the matplotlib figure of the kit before issue 21 (kept here only, for comparison):
  every frame updates an ``imshow`` and two lines and ``savefig``\\s the whole figure.
- NEW: the kit's Playground (the frame drawn once, the surface from arrays, see
  ``neurona.plots.raster``).

Both run in the same process, in alternating slices of one second so that the machine's
drift hits both; the ratios are what to read. Two measures:

1. *As fast as it goes*: ``step()`` in a loop: redraws a second, ms per frame, ms of it
   drawing.
2. *Play*: ``Playground.run`` at its pace of 30 frames a second (the old kit had no pace:
   it ran as fast as the drawing let it): redraws a second and the share of the time spent
   drawing. Issue 21's goal: >= 30 redraws a second, drawing <= 30% of each frame.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

import numpy as np

from neurona.i18n import _
from neurona.plots.render import figure_png, new_figure
from neurona.plots.style import OKABE_ITO
from neurona.widgets import Playground

SETTINGS = {"hidden": (8, 8), "activation": "tanh", "n_samples": 500}


class OldDrawing:
    """The Playground's drawing before issue 21: a matplotlib figure, PNG by ``savefig``."""

    def __init__(self, pg: Playground):
        from matplotlib.colors import LinearSegmentedColormap

        self.pg = pg
        orange, blue = OKABE_ITO["orange"], OKABE_ITO["blue"]
        cmap = LinearSegmentedColormap.from_list("playground", [orange, "#ffffff", blue])
        fig = new_figure(10.5, 4.6, dpi=72)
        surface_axes = fig.add_axes((0.04, 0.1, 0.5, 0.82))
        loss_axes = fig.add_axes((0.64, 0.16, 0.33, 0.74))
        self.surface = surface_axes.imshow(
            np.full(pg._grid_shape, 0.5), origin="lower", extent=(-6, 6, -6, 6), cmap=cmap,
            vmin=0, vmax=1, interpolation="bilinear")
        colors = np.array([orange, blue])
        for points, labels, edge, label in (
            (pg._points_train, pg._labels_train, "white", _("training")),
            (pg._points_test, pg._labels_test, "black", _("test")),
        ):
            surface_axes.scatter(*points.T, c=colors[labels], s=22, edgecolors=edge,
                                 linewidths=0.9, label=label)
        surface_axes.set_xlim(-6, 6)
        surface_axes.set_ylim(-6, 6)
        surface_axes.set_xlabel("x₁")
        surface_axes.set_ylabel("x₂")
        surface_axes.set_title(
            _("orange: class 0, blue: class 1 · outline white: train, black: test"))
        (self.train_line,) = loss_axes.plot([], [], color="#333333", ls="-", label=_("training"))
        (self.test_line,) = loss_axes.plot([], [], color="#333333", ls="--", label=_("test"))
        loss_axes.set_xlabel(_("epoch"))
        loss_axes.set_ylabel(_("loss (binary cross-entropy)"))
        loss_axes.set_title(_("loss"))
        loss_axes.legend(loc="best")
        loss_axes.grid(alpha=0.3)
        self.figure, self.loss_axes = fig, loss_axes

    def __call__(self) -> bytes:
        pg = self.pg
        probability = pg.model.predict(pg._grid_features).reshape(pg._grid_shape)
        self.surface.set_data(probability)
        s = pg._state
        epochs = np.arange(len(s.train_loss))
        self.train_line.set_data(epochs, s.train_loss)
        self.test_line.set_data(epochs, s.test_loss)
        finite = [v for v in s.train_loss + s.test_loss if np.isfinite(v)]
        top = max(finite) if finite else 1.0
        self.loss_axes.set_xlim(0, max(10, len(epochs) - 1))
        self.loss_axes.set_ylim(0, max(0.1, min(top, 5.0)) * 1.05)
        return figure_png(self.figure)


def playground(dataset: str, old: bool) -> Playground:
    """A Playground on ``dataset``; with ``old``, drawing the way the kit drew before."""
    pg = Playground(dataset=dataset, **SETTINGS)
    if old:
        pg._draw = OldDrawing(pg)  # the instance's drawing replaces the class's
    pg.step()  # warm-up: the first draw builds the figure
    return pg


def as_fast_as_it_goes(pgs: dict, seconds: float) -> dict:
    """Step each Playground in turn, one-second slices, for ``seconds`` each in all."""
    totals = {side: [0, 0.0, 0.0] for side in pgs}  # frames, elapsed, drawing
    while min(total[1] for total in totals.values()) < seconds:
        for side, pg in pgs.items():
            frames, drawn, start = 0, pg.draw_seconds, time.perf_counter()
            while time.perf_counter() - start < 1.0:
                pg.step()
                frames += 1
            totals[side][0] += frames
            totals[side][1] += time.perf_counter() - start
            totals[side][2] += pg.draw_seconds - drawn
    return {side: {"redraws_per_second": frames / elapsed,
                   "ms_per_frame": 1000 * elapsed / frames,
                   "ms_drawing_per_frame": 1000 * drawing / frames,
                   "png_bytes": len(pgs[side].last_png)}
            for side, (frames, elapsed, drawing) in totals.items()}


def playing(pgs: dict, seconds: float, slice_seconds: float = 2.5) -> dict:
    """Play each Playground (its ``run`` at its pace) in slices of ``slice_seconds``."""
    totals = {side: [0, 0.0, 0.0] for side in pgs}
    while min(total[1] for total in totals.values()) < seconds:
        for side, pg in pgs.items():
            redraws, drawn, start = pg.redraws, pg.draw_seconds, time.perf_counter()

            async def one_slice(pg=pg):
                asyncio.get_running_loop().call_later(slice_seconds, pg.pause)
                await pg.run()

            asyncio.run(one_slice())
            totals[side][0] += pg.redraws - redraws
            totals[side][1] += time.perf_counter() - start
            totals[side][2] += pg.draw_seconds - drawn
    return {side: {"redraws_per_second": frames / elapsed,
                   "drawing_share": drawing / elapsed}
            for side, (frames, elapsed, drawing) in totals.items()}


def save_shots(directory: str) -> list[str]:
    """Write old and new pictures after 30 epochs, circle and spiral, to ``directory``."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for dataset in ("circle", "spiral"):
        for side in ("old", "new"):
            pg = playground(dataset, old=side == "old")
            pg.step(30)
            path = os.path.join(directory, f"fps-playground-{dataset}-{side}.png")
            with open(path, "wb") as handle:
                handle.write(pg.last_png)
            paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="seconds of each side for each measure and dataset")
    parser.add_argument("--shots", help="also save old and new pictures to this folder")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    results = {}
    for dataset in ("circle", "spiral"):
        pgs = {"old": playground(dataset, old=True), "new": playground(dataset, old=False)}
        fast = as_fast_as_it_goes(pgs, args.seconds)
        play = playing(pgs, args.seconds)
        results[dataset] = {"step": fast, "play": play}
        old, new = fast["old"], fast["new"]
        print(f"{dataset}, step() as fast as it goes:")
        for side, r in fast.items():
            print(f"  {side}: {r['redraws_per_second']:5.1f} redraws/s, {r['ms_per_frame']:5.1f} "
                  f"ms per frame, {r['ms_drawing_per_frame']:5.1f} ms of it drawing "
                  f"({r['ms_drawing_per_frame'] / r['ms_per_frame']:.0%}); PNG "
                  f"{r['png_bytes'] / 1000:.0f} kB")
        print(f"  new/old: {new['redraws_per_second'] / old['redraws_per_second']:.1f}x the "
              f"redraws, {old['ms_drawing_per_frame'] / new['ms_drawing_per_frame']:.1f}x less "
              f"drawing per frame")
        print(f"{dataset}, Play (run() at its pace; the old kit had none):")
        for side, r in play.items():
            print(f"  {side}: {r['redraws_per_second']:5.1f} redraws/s, drawing "
                  f"{r['drawing_share']:.0%} of the time")
    if args.shots:
        for path in save_shots(args.shots):
            print("saved", path)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
