"""The datasets of the course by name, and :func:`load`, the one way to get them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from neurona.data import mnist, shipped, toy
from neurona.data.dataset import Dataset, stratified_subset
from neurona.i18n import N_, _, grouped
from neurona.settings import notice
from neurona.validate import one_of, real_number, whole_number

__all__ = ["DATASETS", "load"]


def _check_n_samples(value: Any) -> int:
    return whole_number("n_samples", value, 2, 1_000_000)


def _check_noise(value: Any) -> float:
    note = _("a fraction: the Playground's noise 0-50 divided by 100")
    return real_number("noise", value, 0, 0.5, note=note)


def _check_test_size(value: Any) -> float:
    note = _("a fraction such as 0.25")
    return real_number("test_size", value, 0, 1, low_open=True, high_open=True, note=note)


@dataclass(frozen=True)
class _Entry:
    description: str  # marked N_, shown translated; a toy set's is its TOY_SETS name
    make: Callable[..., Dataset]  # called with seed=, fallback= and the options
    options: dict[str, tuple[Any, Callable[[Any], Any]]] = field(default_factory=dict)


_TOY_OPTIONS = {
    "n_samples": (500, _check_n_samples),
    "noise": (0.1, _check_noise),
    "test_size": (0.5, _check_test_size),
}


def _toy_entry(name: str) -> _Entry:
    def make(*, seed: int, fallback: bool, **options: Any) -> Dataset:
        return toy.make_toy(name, seed=seed, **options)

    return _Entry(name, make, _TOY_OPTIONS)


_ENTRIES: dict[str, _Entry] = {
    "mnist": _Entry(
        N_("MNIST handwritten digits: 28x28 grey, 60,000 train + 10,000 test, 10 classes"),
        lambda *, seed, fallback: mnist.load_image_set(mnist.MNIST, seed=seed, fallback=fallback),
    ),
    "fashion_mnist": _Entry(
        N_("Fashion-MNIST clothes: 28x28 grey, 60,000 train + 10,000 test, 10 classes"),
        lambda *, seed, fallback: mnist.load_image_set(
            mnist.FASHION_MNIST, seed=seed, fallback=fallback
        ),
    ),
    "digits": _Entry(
        N_("scikit-learn's handwritten digits: 8x8 grey, 1,797 scans, 10 classes"),
        lambda *, seed, fallback, test_size: shipped.digits(test_size=test_size, seed=seed),
        {"test_size": (0.25, _check_test_size)},
    ),
    "iris": _Entry(
        N_("Fisher's iris flowers: 4 measurements (cm), 150 flowers, 3 species"),
        lambda *, seed, fallback, test_size: shipped.iris(test_size=test_size, seed=seed),
        {"test_size": (0.25, _check_test_size)},
    ),
    **{name: _toy_entry(name) for name in toy.TOY_SETS},
}


class _Descriptions(Mapping):
    """The names :func:`load` accepts, each with a one-line description in the kit's language."""

    def __getitem__(self, name: str) -> str:
        description = _ENTRIES[name].description
        if name in toy.TOY_SETS:
            return _("2-D toy set: {description} (generated)").format(
                description=_(toy.TOY_SETS[name][2]))
        return _(description)

    def __iter__(self) -> Iterator[str]:
        return iter(_ENTRIES)

    def __len__(self) -> int:
        return len(_ENTRIES)

    def __repr__(self) -> str:
        return repr(dict(self))


#: The names :func:`load` accepts, each with a one-line description (read-only).
DATASETS = _Descriptions()


def load(
    name: str,
    *,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    fallback: bool = True,
    **options: Any,
) -> Dataset:
    """Load one of the course's datasets by name.

    MNIST and Fashion-MNIST are looked for, in this order, in the kit's cache
    (``NEURONA_CACHE``, by default ``~/.cache/neurona``), in the folders named in
    ``NEURONA_DATA_DIRS`` and in Debian's ``/usr/share/datasets``, and are otherwise
    downloaded with Keras. Every file is checked against its SHA-256. Offline, they are
    replaced by scikit-learn's digits at 28x28, and a one-line message says so.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`: ``"mnist"``, ``"fashion_mnist"``, ``"digits"``,
        ``"iris"``, or a 2-D toy set ``"circles"``, ``"moons"``, ``"xor"``,
        ``"spiral"``, ``"clusters"``.
    n_train, n_test : int, optional
        Keep a seeded random subset of this many training / test samples, with each
        class in about its share. None keeps them all.
    seed : int
        Seed of the subsets, of the train/test split and of the toy sets' points.
    fallback : bool
        For MNIST and Fashion-MNIST: when the data cannot be had, go on with
        scikit-learn's digits (True) or raise :class:`DatasetUnavailable` (False).
    **options
        ``test_size`` for ``"digits"`` and ``"iris"`` (default 0.25); ``n_samples``
        (default 500), ``noise`` (0.0-0.5, default 0.1) and ``test_size`` (default 0.5)
        for the toy sets.

    Returns
    -------
    Dataset
        Arrays, class names and where the data came from. Image pixels are raw uint8.

    Raises
    ------
    ValueError
        For an unknown name or a value out of range.
    TypeError
        For an option the dataset does not take.
    DatasetUnavailable
        When ``fallback=False`` and the data cannot be had, or when a download is corrupt.

    Examples
    --------
    >>> import neurona as nr
    >>> data = nr.load("fashion_mnist", n_train=10_000)      # doctest: +SKIP
    >>> x_train = data.x_train.astype("float32") / 255       # doctest: +SKIP
    >>> nr.load("spiral", noise=0.2, seed=1).x_train.shape
    (250, 2)
    """
    entry = _ENTRIES[one_of("dataset", name, _ENTRIES)]
    for label, value in (("n_train", n_train), ("n_test", n_test)):
        if value is not None:
            whole_number(label, value, 1, note=_("or None for all"))
    whole_number("seed", seed, 0)
    if not isinstance(fallback, bool):
        raise ValueError(_("fallback must be True or False; got {value!r}").format(
            value=fallback))
    unknown = sorted(set(options) - set(entry.options))
    if unknown:
        own = ", ".join(entry.options) + ", " if entry.options else ""
        raise TypeError(_(
            "load({name!r}) got unexpected option(s) {unknown}; "
            "it accepts {own}n_train, n_test, seed and fallback"
        ).format(name=name, unknown=", ".join(unknown), own=own))
    chosen = {
        option: check(options.get(option, default))
        for option, (default, check) in entry.options.items()
    }

    data = entry.make(seed=int(seed), fallback=fallback, **chosen)
    # An offline stand-in is smaller than what was asked for; take what there is, and say so.
    short = []
    for split, wanted in (("train", n_train), ("test", n_test)):
        y = getattr(data, f"y_{split}")
        if data.stands_in_for and wanted is not None and wanted > len(y):
            if split == "train":
                text = _("{wanted} training images but it has {n}")
            else:
                text = _("{wanted} test images but it has {n}")
            short.append(text.format(wanted=grouped(wanted), n=grouped(len(y))))
            continue
        if wanted is None or wanted == len(y):
            continue
        if split == "train":
            size = _("the size of the train set of {name!r}, or None for all").format(name=name)
        else:
            size = _("the size of the test set of {name!r}, or None for all").format(name=name)
        whole_number(f"n_{split}", wanted, 1, len(y), note=size)
        keep = stratified_subset(y, int(wanted), int(seed))
        setattr(data, f"x_{split}", getattr(data, f"x_{split}")[keep])
        setattr(data, f"y_{split}", y[keep])
    if short:
        asked = short[0] if len(short) == 1 else _("{first} and {last}").format(
            first=short[0], last=short[1])
        notice(_("asked the stand-in for {asked}: using all of them.").format(asked=asked))
    return data
