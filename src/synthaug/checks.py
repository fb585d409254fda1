"""``check_generator``: the generator protocol's tests, for any generator.

scikit-learn's ``check_estimator`` tells an author whether an estimator follows the
estimator conventions; :func:`check_generator` does the same for synthaug's generator
protocol (see :mod:`synthaug.generators.protocol`), so a user's own generator (for example a
wrapper around another library's tabular synthesiser) can be checked before it is handed to
``Oversampler``, VTSS / TG-VTSS or the bench. The built-in generators pass it too; the test
suite runs it on every registered one.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from synthaug.generators.protocol import check_generator_interface

__all__ = ["GeneratorCheckError", "check_generator"]


class GeneratorCheckError(AssertionError):
    """A generator does not follow the protocol; the message says which promise broke."""


def _demo_data(random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes, 160 and 40 rows, 4 columns."""
    rng = np.random.default_rng(random_state)
    X = np.vstack([rng.normal(0.0, 1.0, (160, 4)), rng.normal(1.5, 0.7, (40, 4))])
    y = np.r_[np.zeros(160, dtype=np.int64), np.ones(40, dtype=np.int64)]
    return X, y


def _as_array(rows: Any) -> np.ndarray:
    return rows.to_numpy() if isinstance(rows, pd.DataFrame) else np.asarray(rows)


def _same(a: Any, b: Any) -> bool:
    a, b = _as_array(a), _as_array(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def check_generator(generator: Any, X: Any = None, y: Any = None, *,
                    target_class: Any = None, sizes: tuple[int, ...] = (0, 1, 7, 300),
                    random_state: int = 0) -> dict[str, bool]:
    """Run the generator protocol's tests on ``generator``.

    The checks, in order:

    1. it is an instance with ``fit``, ``sample``, ``get_params`` and ``set_params``, and
       ``sklearn.base.clone`` copies it;
    2. ``fit(X, y, target_class=c)`` returns the generator itself;
    3. ``sample(n, random_state=s)`` returns exactly ``n`` rows with ``X``'s columns, for
       every ``n`` in ``sizes`` (0 included), and numeric output is finite;
    4. the same seed gives the same rows (determinism);
    5. a smaller ``n`` with the same seed gives a prefix of a larger sample (prefix
       consistency: one pool serves many sizes);
    6. a pickled and restored fitted generator samples the same rows;
    7. ``synthaug.Oversampler`` with this generator adds exactly the rows it is asked for;
    8. for a multiclass-native generator (``multiclass_native = True``): fitted once with
       ``target_class=None``, ``sample(n, target_class=c, random_state=s)`` gives exactly
       ``n`` rows of every class, deterministically and prefix-consistently per class.

    Parameters
    ----------
    generator : object
        An unfitted generator.
    X, y : array-like, optional
        Data to fit on; by default two Gaussian classes (160 and 40 rows, 4 columns).
    target_class : label, optional
        Class to generate; defaults to the smallest class.
    sizes : tuple of int, default=(0, 1, 7, 300)
        Sample sizes to try; the largest is the pool for the prefix check.
    random_state : int, default=0
        Seed of the draws.

    Returns
    -------
    dict
        ``{check name: True}`` for every check passed.

    Raises
    ------
    GeneratorCheckError
        At the first broken promise, with a message that names it.
    """
    from synthaug._labels import class_roles
    from synthaug.sampler import Oversampler  # the checks sit above the sampler

    if X is None:
        X, y = _demo_data(random_state)
    name = type(generator).__name__
    passed: dict[str, bool] = {}

    def fail(check: str, why: str) -> None:
        raise GeneratorCheckError(f"{name} fails {check}: {why}")

    try:
        check_generator_interface(generator, who="generator")
        clone(generator)
    except Exception as exc:  # report, whatever went wrong
        fail("interface", str(exc))
    passed["interface"] = True

    target = class_roles(np.asarray(y)).minority if target_class is None else target_class
    gen = clone(generator)
    fitted = gen.fit(X, y, target_class=target)
    if fitted is not gen:
        fail("fit_returns_self", f"fit returned {type(fitted).__name__}, not the generator.")
    passed["fit_returns_self"] = True

    n_features = np.shape(X)[1]
    draws = {}
    for n in sorted(set(sizes)):
        rows = gen.sample(n, random_state=random_state)
        shape = np.shape(rows)
        if len(shape) != 2 or shape[0] != n or shape[1] != n_features:
            fail("sample_shape", f"sample({n}) returned shape {shape}; expected "
                                 f"({n}, {n_features}).")
        arr = _as_array(rows)
        if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
            fail("sample_finite", f"sample({n}) returned NaN or infinite values.")
        if isinstance(X, pd.DataFrame) and list(getattr(rows, "columns", [])) != list(
                X.columns):
            fail("sample_columns", "sample did not return a DataFrame with X's columns.")
        draws[n] = rows
    passed["sample_shape"] = True

    big = max(sizes)
    if not _same(gen.sample(big, random_state=random_state), draws[big]):
        fail("deterministic", "two draws with the same random_state differ.")
    passed["deterministic"] = True

    for n, rows in draws.items():
        if not _same(rows, _as_array(draws[big])[:n]):
            fail("prefix_consistent", f"sample({n}) is not the first {n} rows of "
                                      f"sample({big}) with the same random_state.")
    passed["prefix_consistent"] = True

    restored = pickle.loads(pickle.dumps(gen))
    if not _same(restored.sample(big, random_state=random_state), draws[big]):
        fail("pickle", "a pickled and restored generator samples different rows.")
    passed["pickle"] = True

    roles = class_roles(np.asarray(y))
    try:
        _, y_res = Oversampler(clone(generator), sampling_strategy="auto",
                               random_state=random_state).fit_resample(X, y)
    except Exception as exc:
        fail("oversampler", f"Oversampler could not use it: {exc}")
    expected = roles.counts[roles.majority] * roles.n_classes
    if len(y_res) != expected:
        fail("oversampler", f"Oversampler returned {len(y_res)} rows; expected {expected}.")
    passed["oversampler"] = True

    if getattr(generator, "multiclass_native", False):
        every = clone(generator).fit(X, y, target_class=None)
        for c in roles.labels:
            whole = every.sample(big, target_class=c, random_state=random_state)
            if np.shape(whole)[0] != big or not _same(
                    every.sample(big, target_class=c, random_state=random_state), whole):
                fail("per_class", f"sample({big}, target_class={c!r}) is not {big} rows "
                                  "that the same random_state repeats.")
            small = sorted(set(sizes))[-2] if len(set(sizes)) > 1 else 0
            if not _same(every.sample(small, target_class=c, random_state=random_state),
                         _as_array(whole)[:small]):
                fail("per_class", f"class {c!r}: sample({small}) is not a prefix of "
                                  f"sample({big}).")
        passed["per_class"] = True
    return passed
