"""Every word of the projector page, in the kit's language.

The page (``page/board.js``) is JavaScript and has no catalogue of its own: the server puts
:func:`page_labels` into the page as JSON, and the script takes every text it shows from there.
So the page speaks Spanish when the server runs with ``NEURONA_LANG=es``, and its messages live
in the kit's one catalogue with the rest.

A label with ``{fields}`` is filled in by the page (``{metric}``, ``{param}``, ``{n}``...), as
``str.format`` would. The page needs no plural forms: counts stand beside nouns used as headings.
"""

from __future__ import annotations

from neurona.i18n import N_, _, grouped, language
from neurona.plots.style import metric_label

__all__ = ["page_labels"]

# What the page shows, by the key the script looks it up by.
_LABELS = {
    # the header
    "board": N_("classroom board"),
    "join_title": N_("Join the class"),
    "class_code": N_("class code"),
    "join_hint": N_("In your notebook, with your own nickname:"),
    "students": N_("students"),
    "runs": N_("runs"),
    "epochs": N_("epochs"),
    "live": N_("live"),
    "ended": N_("class ended"),
    "unreachable": N_("board unreachable, retrying"),
    "signed_out": N_("signed out: reload the page and give the instructor key"),
    "loading": N_("waiting for the board…"),
    "metric": N_("metric"),
    "updated": N_("updated {time}"),
    # the four panels
    "against_title": N_("Final {metric} against {param}"),
    "by_student_title": N_("Final {metric} by student"),
    "curves_title": N_("Every student's {metric}, epoch by epoch"),
    "spread_title": N_("The spread: final {metric} per {param}"),
    "seeds_title": N_("The spread across seeds: final {metric}"),
    "spread_all_title": N_("The spread: final {metric} of the whole room"),
    "hardware_title": N_("The room's hardware: the same model on every machine"),
    # axes, legends, tables
    "epoch": N_("epoch"),
    "student": N_("student"),
    "device": N_("device"),
    "samples_per_second": N_("samples/s"),
    "group": N_("group"),
    "n": N_("n"),
    "mean": N_("mean"),
    "sd": N_("sd"),
    "all": N_("all"),
    "none": N_("none"),
    "one_dot": N_("one dot per student; bar: the group's mean, line: its range from min to max"),
    "log_axis": N_("{param} (log scale)"),
    "mean_line": N_("dashed line: the room's mean, {mean}"),
    "strip_key": N_("dots: each student's final value; bar and whiskers: mean ± sd"),
    "higher_better": N_("higher is better"),
    "lower_better": N_("lower is better"),
    "no_value": N_("× no finite value (diverged)"),
    "off_scale": N_("▲▼ beyond the scale, drawn at its edge"),
    "off_scale_lines": N_("some values are beyond the scale"),
    "within": N_("grey values under the axis: {param}"),
    "colour_by": N_("colour: {param}"),
    "reference_rows": N_("Grey rows: the same model on the machines of Martín López (2019)."),
    "reference_caption": N_("Grey rows: {source}."),
    "hardware_model": N_("Runs of {model} (notebook 11's \"with a class\" cell)."),
    "no_hardware": N_("No one has run the comparison model yet."),
    "no_runs": N_("No runs yet: students join with the line above and train."),
    "no_metric": N_("No run has recorded this metric yet."),
    # the key form (page/login.html)
    "login_key": N_("Instructor key (the server printed it when it started)"),
    "login_button": N_("Show the board"),
}

# Parameters an instructor hands out, in words (any other is shown as written).
_PARAMS = {
    "learning_rate": N_("learning rate"),
    "batch_size": N_("batch size"),
    "seed": N_("seed"),
    "epochs": N_("epochs"),
    "units": N_("units"),
    "hidden": N_("hidden units"),
    "width": N_("width"),
    "depth": N_("depth"),
    "dropout": N_("dropout"),
    "l2": N_("L2 penalty"),
    "optimizer": N_("optimizer"),
    "activation": N_("activation"),
}

# Metrics the course records, named as the kit's plots name them.
_METRICS = ("loss", "accuracy", "mae", "mse", "auc", "precision", "recall",
            "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy")


def page_labels() -> dict[str, str]:
    """Return every text the projector page shows, in the kit's language now.

    Keys are the page's names for them; ``metric:NAME`` and ``param:NAME`` name the metrics and
    parameters the course uses (the page writes any other name as it is, underscores as
    spaces, and ``validation`` names a ``val_`` metric it does not know); ``thousands`` is the
    separator of thousands (a comma in English, a thin space in Spanish); ``lang`` is the
    language's code, for the page's ``lang`` attribute.

    Examples
    --------
    >>> labels = page_labels()
    >>> labels["metric:val_accuracy"], labels["param:learning_rate"], labels["thousands"]
    ('validation accuracy', 'learning rate', ',')
    """
    labels = {key: _(text) for key, text in _LABELS.items()}
    labels["validation"] = _("validation {metric}")
    for name in _METRICS:
        labels[f"metric:{name}"] = metric_label(name)
        labels[f"metric:val_{name}"] = metric_label(f"val_{name}")
    for name, text in _PARAMS.items():
        labels[f"param:{name}"] = _(text)
    labels["thousands"] = grouped(1000, ",.0f")[1:-3]
    labels["lang"] = language()
    return labels
