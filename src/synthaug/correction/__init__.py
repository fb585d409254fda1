"""Bias-corrected training on synthetic minority data (experimental).

:class:`BiasCorrectedClassifier` fits a linear classifier on real plus synthetic minority
rows and subtracts an estimate of the loss bias the synthetic rows bring, measured on the
majority class. A reconstruction of Lyu, Ma, L. Zhang and A. R. Zhang, "Bias-Corrected
Data Synthesis for Imbalanced Learning" (arXiv 2510.26046); see ``docs/bias_correction.md``.

* :mod:`synthaug.correction.objective`: the weighted losses, gradients and Hessians;
* :mod:`synthaug.correction.transfer`: the majority splits and the transfer variants;
* :mod:`synthaug.correction.classifier`: the estimator;
* :mod:`synthaug.correction.ate`: :func:`bias_corrected_ate`, the average treatment effect
  with a small arm whose outcome model is fitted on synthetic units and bias-corrected;
* :mod:`synthaug.correction.multitask`: :class:`MultiTaskBiasCorrected`, one corrected model
  per task with the bias estimated on the majority classes of several tasks;
* :mod:`synthaug.correction.neural`: :class:`BiasCorrectedTorchClassifier`, the same
  correction for any differentiable binary classifier written in PyTorch (torch is loaded
  only by ``fit``).
"""

from synthaug.correction.ate import ATEResult, bias_corrected_ate
from synthaug.correction.classifier import BiasCorrectedClassifier
from synthaug.correction.multitask import MultiTaskBiasCorrected
from synthaug.correction.neural import BiasCorrectedTorchClassifier
from synthaug.correction.objective import CorrectedObjective, PointSet
from synthaug.correction.transfer import TRANSFERS

__all__ = ["TRANSFERS", "ATEResult", "BiasCorrectedClassifier",
           "BiasCorrectedTorchClassifier", "CorrectedObjective", "MultiTaskBiasCorrected",
           "PointSet", "bias_corrected_ate"]
