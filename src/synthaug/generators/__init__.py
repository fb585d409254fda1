"""Generators: what synthetic rows look like.

Every generator follows one protocol (:class:`BaseGenerator`): ``fit(X, y, target_class=c)``
once, then ``sample(n, random_state=s)`` any number of times, each sample a prefix of every
larger one drawn with the same seed. The neural generators (:class:`LEOCVAEGenerator`,
:class:`MOMSGenerator`) need torch, and the LLM oversampler (:class:`LLMGenerator`)
torch and transformers; they import them only when fitted.
"""

from synthaug.generators.base import BaseGenerator
from synthaug.generators.bootstrap import JitterGenerator, RandomGenerator
from synthaug.generators.gaussian import GaussianGenerator
from synthaug.generators.gksmote import GKSMOTEGenerator
from synthaug.generators.leo_cvae import LEOCVAEGenerator
from synthaug.generators.llm import LLMGenerator
from synthaug.generators.moms import MOMSGenerator
from synthaug.generators.simulation import (
    OracleGenerator,
    SemiOracleGenerator,
    ShiftedGaussianGenerator,
)
from synthaug.generators.smote import (
    ADASYNGenerator,
    BorderlineSMOTEGenerator,
    SMOTEGenerator,
)

__all__ = [
    "ADASYNGenerator",
    "BaseGenerator",
    "BorderlineSMOTEGenerator",
    "GKSMOTEGenerator",
    "GaussianGenerator",
    "JitterGenerator",
    "LEOCVAEGenerator",
    "LLMGenerator",
    "MOMSGenerator",
    "OracleGenerator",
    "RandomGenerator",
    "SMOTEGenerator",
    "SemiOracleGenerator",
    "ShiftedGaussianGenerator",
]
