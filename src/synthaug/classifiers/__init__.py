"""Stand-alone classifiers for imbalanced data, used as baselines and as alternatives to
resampling.

* :class:`KOTARO`: interpolating kernel classifier with per-sample bandwidths
  (``docs/kotaro.md``).
* :class:`ImbalancedMLPClassifier` and :class:`ImbalancedCNNClassifier`: neural networks
  trained with the imbalance-aware recipe of "Simplifying Neural Network Training Under
  Class Imbalance": small batches (:func:`suggest_batch_size`), SAM-A
  (:mod:`synthaug.classifiers.sam`), class-conditional label smoothing
  (:mod:`synthaug.classifiers.smoothing`) and augmentation policies
  (:mod:`synthaug.classifiers.augmentation`); they need torch (``docs/imbalanced_nn.md``).
"""

from synthaug.classifiers.augmentation import AugmentationPolicy, GeneratorPolicy
from synthaug.classifiers.batch_size import suggest_batch_size
from synthaug.classifiers.kotaro import KOTARO, default_sparse_neighbors
from synthaug.classifiers.neural import ImbalancedCNNClassifier, ImbalancedMLPClassifier
from synthaug.classifiers.sam import SharpnessAware
from synthaug.classifiers.smoothing import smoothed_targets, smoothing_epsilons

__all__ = ["KOTARO", "AugmentationPolicy", "GeneratorPolicy", "ImbalancedCNNClassifier",
           "ImbalancedMLPClassifier", "SharpnessAware", "default_sparse_neighbors",
           "smoothed_targets", "smoothing_epsilons", "suggest_batch_size"]
