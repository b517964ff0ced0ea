"""The course's pictures: one function per picture, named for what it shows.

Functions draw with matplotlib and return the Figure or Axes; in a notebook end the call
with ``;`` so that the figure shows once.
"""

from neurona.plots.autoencoders import (
    plot_denoising,
    plot_latent_grid,
    plot_latent_scatter,
    plot_loss_band,
    plot_preset_times,
    plot_reconstructions,
    plot_roc,
)
from neurona.plots.backprop import backprop_tables, plot_backprop_step
from neurona.plots.confusion import ConfusionMatrix, plot_confusion_matrix
from neurona.plots.convolution import (
    plot_convolution_step,
    plot_feature_maps,
    plot_filters,
    plot_pooling,
)
from neurona.plots.curves import plot_learning_curves, plot_run_comparison, plot_time_per_epoch
from neurona.plots.decision import LiveDecisionMap, plot_decision_boundary
from neurona.plots.images import plot_image_grid, plot_misclassified
from neurona.plots.live import LiveCurves
from neurona.plots.neuron import plot_neuron, plot_perceptron_update, plot_training_errors
from neurona.plots.optimization import (
    plot_activation_functions,
    plot_layer_histograms,
    plot_optimizer_race,
    plot_race_losses,
)
from neurona.plots.solar import (
    plot_cloud_passage,
    plot_day,
    plot_forecast,
    plot_leads,
    plot_maps,
    plot_predicted_vs_actual,
    plot_residuals,
    plot_sensor_grid,
    plot_skill,
)
from neurona.plots.weights import plot_prediction_bars, plot_weight_images

__all__ = [
    "plot_convolution_step",
    "plot_feature_maps",
    "plot_filters",
    "plot_pooling",
    "ConfusionMatrix",
    "LiveCurves",
    "LiveDecisionMap",
    "backprop_tables",
    "plot_activation_functions",
    "plot_layer_histograms",
    "plot_optimizer_race",
    "plot_race_losses",
    "plot_backprop_step",
    "plot_decision_boundary",
    "plot_neuron",
    "plot_perceptron_update",
    "plot_prediction_bars",
    "plot_training_errors",
    "plot_weight_images",
    "plot_confusion_matrix",
    "plot_image_grid",
    "plot_learning_curves",
    "plot_misclassified",
    "plot_run_comparison",
    "plot_time_per_epoch",
    "plot_denoising",
    "plot_latent_grid",
    "plot_latent_scatter",
    "plot_loss_band",
    "plot_preset_times",
    "plot_reconstructions",
    "plot_roc",
    "plot_cloud_passage",
    "plot_day",
    "plot_forecast",
    "plot_leads",
    "plot_maps",
    "plot_predicted_vs_actual",
    "plot_residuals",
    "plot_sensor_grid",
    "plot_skill",
]
