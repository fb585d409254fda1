"""Every public entry point x every awkward input (tests/bad_input_matrix.py): correct
output, or an error of synthaug's own type whose message names the problem. Never a
traceback from inside numpy / scipy / scikit-learn, NaN in the output, or a wrong count.

docs/reliability.md is written from the same matrix by tools/reliability_report.py.
"""

from pathlib import Path

import pytest

from bad_input_matrix import CASES, ENTRY_POINTS, cells, run_cell

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("entry, case", cells(),
                         ids=[f"{e.name}|{c.name}" for e, c in cells()])
def test_bad_input_cell(entry, case):
    outcome = run_cell(entry, case)
    assert not outcome.problems, f"{outcome.detail[:300]} -> {outcome.problems}"


def test_reliability_doc_covers_the_matrix():
    doc = (Path(__file__).parents[1] / "docs" / "reliability.md").read_text()
    missing = [e.name for e in ENTRY_POINTS if e.name not in doc]
    missing += [c.name for c in CASES if c.name not in doc]
    assert not missing, ("docs/reliability.md is out of date; run "
                         f"python tools/reliability_report.py (missing: {missing})")
