"""Stand-alone classifiers for imbalanced data, used as baselines and as alternatives to
resampling.

* :class:`KOTARO`: interpolating kernel classifier with per-sample bandwidths
  (``docs/kotaro.md``).
"""

from synthaug.classifiers.kotaro import KOTARO, default_sparse_neighbors

__all__ = ["KOTARO", "default_sparse_neighbors"]
