"""synthaug: imbalanced classification with synthetic minority data.

The library keeps three questions apart so that any answer to one combines with any answer
to the others: what synthetic rows look like (:mod:`synthaug.generators`), how many to add
(:mod:`synthaug.sizing`), and how a model is trained with them. Around them: balanced
metrics (:mod:`synthaug.metrics`), bundled datasets (:mod:`synthaug.datasets`) and a
command-line tool (``synthaug``). :func:`advise` answers the practical question on a
user's table: add synthetic rows or not, from which generator, and how many.
"""

from synthaug._version import __version__
from synthaug.advice import Advice, advise
from synthaug.sampler import (
    ADASYN,
    GKSMOTE,
    LEOCVAE,
    MOMS,
    SMOTE,
    BorderlineSMOTE,
    LLMOversampler,
    Oversampler,
    RandomOverSampler,
)
from synthaug.sizing import Gamma, resolve_counts

__all__ = [
    "ADASYN",
    "GKSMOTE",
    "LEOCVAE",
    "MOMS",
    "SMOTE",
    "Advice",
    "BorderlineSMOTE",
    "Gamma",
    "LLMOversampler",
    "Oversampler",
    "RandomOverSampler",
    "__version__",
    "advise",
    "resolve_counts",
]
