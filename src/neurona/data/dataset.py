"""The :class:`Dataset` record that every loader returns, and seeded stratified sampling."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from neurona.i18n import N_, _, ngettext
from neurona.validate import one_of

__all__ = ["Dataset"]

#: Where a dataset's arrays came from.
#: ``cache``: the kit's download cache; ``system``: a folder already on this machine
#: (Debian's ``/usr/share/datasets`` or one named in ``NEURONA_DATA_DIRS``); ``download``:
#: fetched just now; ``shipped``: installed with a Python package (scikit-learn);
#: ``generated``: made up by the kit (the 2-D toy sets).
SOURCES = (N_("cache"), N_("system"), N_("download"), N_("shipped"), N_("generated"))


@dataclass(repr=False, eq=False)
class Dataset:
    """A train/test split with the facts a lesson needs to show about it.

    Image sets keep raw ``uint8`` pixels (0-255) shaped ``(N, H, W)``: the lessons
    normalise them by hand, on purpose.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"fashion_mnist"``.
    x_train, y_train, x_test, y_test : numpy.ndarray
        Inputs and integer labels (class indices ``0 .. n_classes - 1``).
    class_names : list of str
        Name of each class, indexed by label.
    provenance : str
        One line: where the data came from and under which licence.
    source : str
        One of :data:`SOURCES`.
    feature_names : list of str, optional
        Name of each input column, for tabular sets such as iris.
    stands_in_for : str, optional
        Set when this is an offline stand-in: the name of the dataset that was asked for
        (e.g. ``"fashion_mnist"`` when scikit-learn's digits replace it). None otherwise.
        Notebooks read it to say what running on the stand-in changes.

    Examples
    --------
    >>> data = nr.load("fashion_mnist")                  # doctest: +SKIP
    >>> data.input_shape, data.n_classes                 # doctest: +SKIP
    ((28, 28), 10)
    >>> x_train = data.x_train.astype("float32") / 255   # doctest: +SKIP
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    provenance: str
    source: str
    feature_names: list[str] | None = None
    stands_in_for: str | None = None

    def __post_init__(self) -> None:
        one_of("source", self.source, SOURCES)
        for split in ("train", "test"):
            x, y = getattr(self, f"x_{split}"), getattr(self, f"y_{split}")
            if len(x) != len(y):
                raise ValueError(_(
                    "{x} and {y} must have the same length; got {n_x} and {n_y}"
                ).format(x=f"x_{split}", y=f"y_{split}", n_x=len(x), n_y=len(y)))
        self.class_names = [str(c) for c in self.class_names]
        if self.feature_names is not None:
            self.feature_names = [str(f) for f in self.feature_names]

    @classmethod
    def from_arrays(
        cls, name: str, x: np.ndarray, y: np.ndarray, *, test_size: float, seed: int, **fields
    ) -> Dataset:
        """Split ``x, y`` into stratified, seeded train and test sets and wrap them.

        ``fields`` are the other attributes (``class_names``, ``provenance``, ``source``...).
        ``test_size`` is the fraction held out; at least one sample lands on each side.

        Examples
        --------
        >>> y = np.array([0, 1] * 10)
        >>> data = Dataset.from_arrays("pairs", np.zeros((20, 2)), y, test_size=0.5, seed=0,
        ...                            class_names=["a", "b"], provenance="demo",
        ...                            source="generated")
        >>> data.x_test.shape
        (10, 2)
        """
        n_test = min(max(round(len(y) * test_size), 1), len(y) - 1)
        train, test = stratified_split(y, n_test, seed)
        return cls(name=name, x_train=x[train], y_train=y[train], x_test=x[test],
                   y_test=y[test], **fields)

    @property
    def n_classes(self) -> int:
        """Number of classes (the length of ``class_names``)."""
        return len(self.class_names)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample, e.g. ``(28, 28)``: what ``keras.Input(shape=...)`` wants."""
        return tuple(self.x_train.shape[1:])

    def _rows(self) -> list[tuple[str, str]]:
        def arrays(x: np.ndarray, y: np.ndarray) -> str:
            return f"x {x.shape} {x.dtype}, y {y.shape} {y.dtype}"

        rows = [
            (_("source"), _(self.source)),
            (_("train"), arrays(self.x_train, self.y_train)),
            (_("test"), arrays(self.x_test, self.y_test)),
            (_("classes"), f"{self.n_classes} ({_shorten(self.class_names)})"),
        ]
        if self.feature_names:
            rows.append((_("features"), _shorten(self.feature_names)))
        if self.stands_in_for:
            rows.append((_("replaces"), self.stands_in_for))
        rows.append((_("from"), self.provenance))
        return rows

    def __repr__(self) -> str:
        rows = self._rows()
        width = max(10, *(len(key) + 2 for key, _value in rows))
        lines = [_("Dataset {name!r}").format(name=self.name)]
        lines += [f"  {key + ':':<{width}}{value}" for key, value in rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(key)}</th>"
            f"<td style='text-align:left'>{html.escape(value)}</td></tr>"
            for key, value in self._rows()
        )
        caption = html.escape(_("Dataset {name}")).format(
            name=f"<b>{html.escape(self.name)}</b>")
        return f"<table><caption>{caption}</caption>{cells}</table>"


def _shorten(names: list[str], limit: int = 10) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    more = len(names) - limit
    return ", ".join(names[:limit]) + ", ... (" + ngettext(
        "{n} more", "{n} more", more).format(n=more) + ")"


def stratified_order(y: np.ndarray, seed: int) -> np.ndarray:
    """Order the indices of ``y`` randomly (seeded) so that every prefix is stratified.

    Each sample gets its position within its own class (in a random order) as a
    fraction of the class size; sorting by that fraction interleaves the classes,
    so the first ``n`` indices hold each class in about its share of ``y``.
    """
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(y))
    labels = np.asarray(y)[perm]
    by_class = np.argsort(labels, kind="stable")
    classes, starts, counts = np.unique(labels[by_class], return_index=True, return_counts=True)
    which = np.searchsorted(classes, labels[by_class])
    fraction = np.empty(len(y))
    fraction[by_class] = (np.arange(len(y)) - starts[which] + 0.5) / counts[which]
    return perm[np.argsort(fraction, kind="stable")]


def stratified_split(y: np.ndarray, n_test: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded stratified train/test indices, each in a random order.

    Random order matters: iris comes sorted by class, and Keras's ``validation_split``
    takes the *last* samples, which would otherwise all be one species.
    """
    order = stratified_order(y, seed)
    rng = np.random.default_rng(seed + 1)
    return rng.permutation(order[n_test:]), rng.permutation(order[:n_test])


def stratified_subset(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Seeded stratified choice of ``n`` indices of ``y``, in a random order."""
    order = stratified_order(y, seed)
    return np.random.default_rng(seed + 1).permutation(order[:n])
