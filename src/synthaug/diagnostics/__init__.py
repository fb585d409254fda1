"""Diagnostics: does synthetic data help here, and is the generator good enough?

* :func:`symmetry_test`: the local-symmetry Wald test (is imbalance biasing the fit?);
* :func:`generator_quality`: the cross-fitted generator-quality score and bias ``g_psi``;
* :func:`alignment` and :func:`theory_target`: the direction of the generator's bias
  against the intrinsic shift, and the closed-form bias-cancelling size;
* :func:`fidelity`, :func:`mmd2`, :func:`knn_precision_recall`: how close a generator's
  rows are to held-out real rows of the class (any generator);
* :func:`distinct_share`, :func:`column_entropy`, :func:`distance_to_closest_record`:
  diversity and memorisation (are synthetic rows copies of training rows?).
"""

from synthaug.diagnostics.fidelity import (
    DCR,
    Fidelity,
    column_entropy,
    distance_to_closest_record,
    distinct_share,
    fidelity,
    knn_precision_recall,
    mmd2,
)
from synthaug.diagnostics.quality import (
    GeneratorQuality,
    alignment,
    generator_quality,
    theory_target,
)
from synthaug.diagnostics.scores import SUPPORTED, ScoreModel, score_model
from synthaug.diagnostics.symmetry import SymmetryTest, balanced_pilot_fit, symmetry_test

__all__ = [
    "DCR",
    "SUPPORTED",
    "Fidelity",
    "GeneratorQuality",
    "ScoreModel",
    "SymmetryTest",
    "alignment",
    "balanced_pilot_fit",
    "column_entropy",
    "distance_to_closest_record",
    "distinct_share",
    "fidelity",
    "generator_quality",
    "knn_precision_recall",
    "mmd2",
    "score_model",
    "symmetry_test",
    "theory_target",
]
