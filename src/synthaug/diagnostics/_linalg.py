"""The regularised inverse used by every VTSS diagnostic."""

from __future__ import annotations

import warnings

import numpy as np

from synthaug.exceptions import InvalidInputError, SynthaugWarning

__all__ = ["regularised_inverse"]

#: Condition number above which a matrix is reported as (near) singular.
SINGULAR_CONDITION = 1e10


def regularised_inverse(M: np.ndarray, *, what: str = "matrix") -> np.ndarray:
    """``pinv(M + 1e-8 * max(1, tr(M) / p) * I)``, warning when ``M`` is near singular.

    The small ridge keeps the Wald statistic and the generator-quality score finite when a
    Hessian or covariance is singular (collinear features, a class with fewer rows than
    parameters); the warning says the result leans on that ridge.
    """
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    if not np.isfinite(M).all():
        raise InvalidInputError(
            f"The {what} holds NaN or infinite entries (a class with too few rows, or "
            "features on an extreme scale); the diagnostic cannot be computed. Check the "
            "class counts and rescale the features.")
    p = M.shape[0]
    ridge = 1e-8 * max(1.0, float(np.trace(M)) / p)
    cond = np.linalg.cond(M) if np.all(np.isfinite(M)) else np.inf
    if not np.isfinite(cond) or cond > SINGULAR_CONDITION:
        warnings.warn(f"The {what} is singular or nearly so (condition number {cond:.3g}); "
                      f"it was regularised with a ridge of {ridge:.3g} before inversion.",
                      SynthaugWarning, stacklevel=3)
    return np.linalg.pinv(M + ridge * np.eye(p))
