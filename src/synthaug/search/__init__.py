"""Size selection by validation: VTSS and TG-VTSS.

Meta-estimators in the manner of ``GridSearchCV``: they take a classifier and a generator,
choose how many synthetic rows to add by cross-validated balanced loss, refit, and expose
``best_sampler_``, an :class:`~synthaug.sampler.Oversampler` fixed at the chosen size. They
sit above the sampler; the fixed size forms they search over live in :mod:`synthaug.sizing`.
"""

from synthaug.search.selection import RULES, select_candidate
from synthaug.search.vtss import TGVTSS, VTSS, default_pilot, split_columns

__all__ = ["RULES", "TGVTSS", "VTSS", "default_pilot", "select_candidate", "split_columns"]
