"""Class roles: which label is the majority, which the minority. Decided here only.

Every part of synthaug that needs to know "the largest class" or "the class to generate"
(the size resolver, the generators, the size search and its diagnostics, KOTARO) asks
:func:`class_roles`, so that they agree on ties and on labels of any type (integers,
strings from ``pandas.read_csv``, booleans).

The tie rule
------------
Labels are ordered as ``numpy.unique`` orders them. The **majority** is the largest class;
among equally large classes, the *first* label. The **minority** is the smallest class; among
equally small classes, the *last* label. So balanced 0/1 data has majority 0 and minority 1,
and balanced "no"/"yes" data has majority "no" and minority "yes": the second label is the
"positive" one, as in scikit-learn's binary convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from synthaug.exceptions import InvalidInputError

__all__ = ["ClassRoles", "class_roles", "plain_label"]


def plain_label(label: Any) -> Any:
    """A numpy scalar as the matching Python scalar (``np.int64(1) -> 1``,
    ``np.str_('a') -> 'a'``); anything else unchanged. Labels used as dict keys, in
    messages or in JSON go through here."""
    return label.item() if isinstance(label, np.generic) else label


@dataclass(frozen=True)
class ClassRoles:
    """The classes of a label vector and their roles.

    Attributes
    ----------
    labels : tuple
        The distinct labels, in ``numpy.unique`` order, as Python scalars.
    counts : dict
        Rows per label, in the same order.
    majority : label
        The largest class (ties: the first label).
    minority : label
        The smallest class (ties: the last label).
    """

    labels: tuple[Any, ...]
    counts: dict[Any, int]
    majority: Any
    minority: Any

    @property
    def n_classes(self) -> int:
        return len(self.labels)

    @property
    def is_binary(self) -> bool:
        return len(self.labels) == 2

    @property
    def gap(self) -> int:
        """Rows the minority lacks to match the majority."""
        return self.counts[self.majority] - self.counts[self.minority]


def class_roles(y: Any, *, binary: bool = False, who: str | None = None) -> ClassRoles:
    """Count the classes of ``y`` and name the majority and minority (see the module
    docstring for the tie rule).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels, already validated (:func:`synthaug._validation.check_target`).
    binary : bool, default=False
        Require exactly two classes.
    who : str, optional
        The method that needs two classes, for the error message.

    Returns
    -------
    ClassRoles

    Raises
    ------
    InvalidInputError
        If ``y`` is empty, or ``binary`` and ``y`` does not hold exactly two classes.
    """
    arr = np.asarray(y)
    if arr.size == 0:
        raise InvalidInputError("y is empty.")
    labels, counts = np.unique(arr, return_counts=True)
    labels_py = tuple(plain_label(v) for v in labels)
    if binary and len(labels_py) != 2:
        name = who or "This method"
        raise InvalidInputError(
            f"Only binary classification is supported: {name} needs exactly two classes; "
            f"y has {len(labels_py)} classes "
            f"({list(labels_py)[:10]}). For more classes wrap it in "
            "sklearn.multiclass.OneVsRestClassifier.")
    top, bottom = counts.max(), counts.min()
    majority = labels_py[int(np.flatnonzero(counts == top)[0])]
    minority = labels_py[int(np.flatnonzero(counts == bottom)[-1])]
    return ClassRoles(labels=labels_py,
                      counts={lab: int(c) for lab, c in zip(labels_py, counts)},
                      majority=majority, minority=minority)
