"""neurona: the helper package of a Jupyter course on deep learning.

It times every training on the hardware at hand, draws live learning curves and the other
pictures the lessons need, loads datasets and provides the widgets. The Keras code stays in
the notebooks; this package removes the plumbing.

``import neurona`` is fast: TensorFlow, matplotlib and scikit-learn are imported the first
time a function that needs them is used.

Examples
--------
>>> import neurona as nr
>>> data = nr.load("fashion_mnist")                       # doctest: +SKIP
>>> model.fit(x, y, callbacks=nr.callbacks("first model"))  # doctest: +SKIP
>>> nr.ledger.table()                                      # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from neurona import hardware as _hardware
from neurona import startup as _startup
from neurona.runs import Ledger, RunRecord, ledger
from neurona.seeding import seed
from neurona.settings import cache_dir, quick_mode

__version__ = "0.1.0"

# Name -> module that defines it. Modules load on first access (PEP 562), so that
# `import neurona` never pulls in TensorFlow.
_LAZY = {
    # data
    "load": "neurona.data",
    "Dataset": "neurona.data",
    "DATASETS": "neurona.data",
    "DatasetUnavailable": "neurona.data",
    "read_idx": "neurona.data",
    # Keras callbacks that write the run record
    "Track": "neurona.tracking",
    "NaNGuard": "neurona.tracking",
    "callbacks": "neurona.tracking",
    # checked choices for widgets and presets
    "make_optimizer": "neurona.models",
    "make_schedule": "neurona.models",
    "check_batch_size": "neurona.models",
    "OPTIMIZERS": "neurona.models",
    # timing
    "Stopwatch": "neurona.timing",
    "format_seconds": "neurona.timing",
    # hardware
    "hardware_report": "neurona.hardware",
    "HardwareReport": "neurona.hardware",
    "use_cpu_only": "neurona.hardware",
    "set_threads": "neurona.hardware",
    "compute_device": "neurona.hardware",
    "TooLateError": "neurona.hardware",
    "resource_limits": "neurona.hardware",
    "ResourceLimits": "neurona.hardware",
    "enough_memory": "neurona.hardware",
    "doctor": "neurona.diagnosis",
    # plots: one function per picture
    "plot_learning_curves": "neurona.plots",
    "plot_run_comparison": "neurona.plots",
    "plot_time_per_epoch": "neurona.plots",
    "ConfusionMatrix": "neurona.plots",
    "plot_confusion_matrix": "neurona.plots",
    "plot_image_grid": "neurona.plots",
    "plot_misclassified": "neurona.plots",
    "LiveCurves": "neurona.plots",
    "plot_decision_boundary": "neurona.plots",
    "LiveDecisionMap": "neurona.plots",
    "plot_neuron": "neurona.plots",
    "plot_perceptron_update": "neurona.plots",
    "plot_training_errors": "neurona.plots",
    "backprop_tables": "neurona.plots",
    "plot_backprop_step": "neurona.plots",
    "plot_weight_images": "neurona.plots",
    "plot_optimizer_race": "neurona.plots",
    "plot_race_losses": "neurona.plots",
    "plot_layer_histograms": "neurona.plots",
    "plot_activation_functions": "neurona.plots",
    "plot_prediction_bars": "neurona.plots",
    # parameter counts worked by hand
    "parameter_table": "neurona.parameters",
    "explain_parameters": "neurona.parameters",
    "count_dense": "neurona.parameters",
    "count_conv2d": "neurona.parameters",
    # networks written in NumPy, and the widgets
    "Perceptron": "neurona.scratch",
    "Adaline": "neurona.scratch",
    "MLP": "neurona.scratch",
    "Playground": "neurona.widgets",
    "PerceptronExplorer": "neurona.widgets",
    "PerceptronReplay": "neurona.widgets",
    "BackpropInspector": "neurona.widgets",
    "SoftmaxExplorer": "neurona.widgets",
    "Trainer": "neurona.widgets",
    # reference numbers from the sources
    "reference_table": "neurona.reference",
    "reference_tables": "neurona.reference",
    # autoencoders: the 2019 thesis's presets, and the variants of notebook 08
    "PRESETS": "neurona.autoencoders",
    "Preset": "neurona.autoencoders",
    "PresetResult": "neurona.autoencoders",
    "run_preset": "neurona.autoencoders",
    "thesis_times": "neurona.autoencoders",
    "add_noise": "neurona.autoencoders",
    "latent_grid": "neurona.autoencoders",
    "reconstruction_errors": "neurona.autoencoders",
    "anomaly_split": "neurona.autoencoders",
    "anomaly_roc": "neurona.autoencoders",
    "plot_reconstructions": "neurona.plots",
    "plot_denoising": "neurona.plots",
    "plot_loss_band": "neurona.plots",
    "plot_preset_times": "neurona.plots",
    "plot_latent_scatter": "neurona.plots",
    "plot_latent_grid": "neurona.plots",
    "plot_roc": "neurona.plots",
    "PresetExplorer": "neurona.widgets",
    "noise_slider": "neurona.widgets",
    # convolutional networks: notebook 07
    "conv_output_size": "neurona.cnn",
    "convolve2d": "neurona.cnn",
    "convolution_steps": "neurona.cnn",
    "pool2d": "neurona.cnn",
    "parse_kernel": "neurona.cnn",
    "KERNELS": "neurona.cnn",
    "BOOK_SEVEN": "neurona.cnn",
    "activation_memory": "neurona.cnn",
    "training_memory_estimate": "neurona.cnn",
    "plot_convolution_step": "neurona.plots",
    "plot_pooling": "neurona.plots",
    "plot_filters": "neurona.plots",
    "plot_feature_maps": "neurona.plots",
    "ConvolutionExplorer": "neurona.widgets",
    "PoolingExplorer": "neurona.widgets",
}

__all__ = [
    "Ledger",
    "RunRecord",
    "ledger",
    "seed",
    "quick_mode",
    "cache_dir",
    "load_ipython_extension",
    *_LAZY,
]

if TYPE_CHECKING:  # pragma: no cover - for editors and type checkers only
    from neurona.autoencoders import (
        PRESETS,
        Preset,
        PresetResult,
        add_noise,
        anomaly_roc,
        anomaly_split,
        latent_grid,
        reconstruction_errors,
        run_preset,
        thesis_times,
    )
    from neurona.cnn import (
        BOOK_SEVEN,
        KERNELS,
        activation_memory,
        conv_output_size,
        convolution_steps,
        convolve2d,
        parse_kernel,
        pool2d,
        training_memory_estimate,
    )
    from neurona.data import DATASETS, Dataset, DatasetUnavailable, load, read_idx
    from neurona.diagnosis import doctor
    from neurona.hardware import (
        HardwareReport,
        ResourceLimits,
        TooLateError,
        compute_device,
        enough_memory,
        hardware_report,
        resource_limits,
        set_threads,
        use_cpu_only,
    )
    from neurona.models import OPTIMIZERS, check_batch_size, make_optimizer, make_schedule
    from neurona.parameters import (
        count_conv2d,
        count_dense,
        explain_parameters,
        parameter_table,
    )
    from neurona.plots import (
        ConfusionMatrix,
        LiveCurves,
        LiveDecisionMap,
        backprop_tables,
        plot_activation_functions,
        plot_backprop_step,
        plot_confusion_matrix,
        plot_decision_boundary,
        plot_image_grid,
        plot_layer_histograms,
        plot_learning_curves,
        plot_misclassified,
        plot_neuron,
        plot_optimizer_race,
        plot_perceptron_update,
        plot_prediction_bars,
        plot_race_losses,
        plot_run_comparison,
        plot_time_per_epoch,
        plot_training_errors,
        plot_weight_images,
    )
    from neurona.plots.autoencoders import (
        plot_denoising,
        plot_latent_grid,
        plot_latent_scatter,
        plot_loss_band,
        plot_preset_times,
        plot_reconstructions,
        plot_roc,
    )
    from neurona.plots.convolution import (
        plot_convolution_step,
        plot_feature_maps,
        plot_filters,
        plot_pooling,
    )
    from neurona.reference import reference_table, reference_tables
    from neurona.scratch import MLP, Adaline, Perceptron
    from neurona.timing import Stopwatch, format_seconds
    from neurona.tracking import NaNGuard, Track, callbacks
    from neurona.widgets import (
        BackpropInspector,
        PerceptronExplorer,
        PerceptronReplay,
        Playground,
        SoftmaxExplorer,
        Trainer,
    )
    from neurona.widgets.autoencoder import PresetExplorer, noise_slider
    from neurona.widgets.convolution import ConvolutionExplorer, PoolingExplorer


# Submodules a notebook reaches as attributes: nr.check.value(...), nr.widgets.Playground.
_SUBMODULES = (
    "check",
    "scratch",
    "widgets",
    "plots",
    "data",
    "autoencoders",
    "cnn",
    "bench",
    "distributed",
    "solar",
)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"neurona.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'neurona' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


def load_ipython_extension(ipython) -> None:
    """``%load_ext neurona``: registers the ``%%timed`` cell magic."""
    from neurona.timing import register_magics

    register_magics(ipython)


# Students should see their own output, not TensorFlow's start-up log.
_startup.quiet_tensorflow()
# In a container allowed fewer CPUs than its machine has, TensorFlow's pools fit those CPUs.
_hardware.fit_threads_to_limit()
# On Colab, the panels need the widget manager that draws ipywidgets 8.
_startup.colab_widgets()
