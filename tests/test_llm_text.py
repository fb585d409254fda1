"""The text side of LLMGenerator: sentences, permutations, escaping, number format, parser
and the invalid-row rules (synthaug.generators._llm_text; no model needed)."""

import numpy as np
import pytest

from synthaug.generators._llm_text import (
    NumberFormat,
    RowCodec,
    escape,
    parse_number,
    parse_text,
    split_clauses,
    unescape,
    without_last_clause,
)

NUM = np.array([[41.0, 0.1234], [37.0, 0.5], [52.0, 0.0678]])
CAT = np.array([[0, 1], [1, 0], [2, 1]])
CATEGORIES = [np.array(["admin", "tech, ops", "is it"], dtype=object),
              np.array([False, True], dtype=object)]


@pytest.fixture
def codec():
    return RowCodec(["age", "score"], ["job", "flag"], CATEGORIES, "label", "1",
                    NumberFormat.fit(NUM))


def pieces(sentence):
    """The clauses of a sentence, cut at unescaped commas."""
    return [c.strip() for c in split_clauses(sentence)]


def clause_sets(sentences):
    return [set(pieces(s)) for s in sentences]


# --------------------------------------------------------------------------- sentences
def test_label_first_keeps_the_label_first_and_every_clause(codec):
    clauses = codec.feature_clauses(NUM, CAT)
    rng = np.random.default_rng(0)
    for _ in range(20):
        sentences = codec.sentences(clauses, rng)
        for s, row in zip(sentences, clauses):
            assert s.startswith("label is 1, ")
            assert pieces(s)[0] == "label is 1"
            assert sorted(pieces(s)) == sorted(["label is 1", *row])


def test_order_changes_between_epochs(codec):
    clauses = codec.feature_clauses(NUM, CAT) * 10
    rng = np.random.default_rng(0)
    first, second = codec.sentences(clauses, rng), codec.sentences(clauses, rng)
    assert clause_sets(first) == clause_sets(second)
    assert first != second
    assert len(set(first[::3])) > 1          # one row (every third) in several orders


def test_full_permutation_moves_the_label(codec):
    clauses = codec.feature_clauses(NUM, CAT) * 20
    sentences = codec.sentences(clauses, np.random.default_rng(0), "full")
    assert any(not s.startswith("label is") for s in sentences)
    assert all("label is 1" in pieces(s) for s in sentences)


def test_interpolated_rows_carry_only_numeric_clauses(codec):
    inter = codec.feature_clauses(np.array([[40.5, 0.3]]), None)
    (s,) = codec.sentences(inter, np.random.default_rng(0))
    names = [c.split(" is ")[0] for c in pieces(s)]
    assert names[0] == "label" and sorted(names[1:]) == ["age", "score"]


def test_round_trip(codec):
    clauses = codec.feature_clauses(NUM, CAT)
    for s, num, cat in zip(codec.sentences(clauses, np.random.default_rng(1)), NUM, CAT):
        row = codec.parse(s)
        assert row.reason is None
        np.testing.assert_allclose(row.num, [num[0], codec.number_format.round(1, num[1])])
        np.testing.assert_array_equal(row.cat, cat)


def test_prompts_are_prefixes_of_training_text(codec):
    clause = codec.num_clause(0, 41.0)
    prompt = codec.prompt(clause)
    assert prompt == "label is 1, age is 41,"
    assert "label is 1, age is 41, score is 0.1234".startswith(prompt)
    assert codec.prompt() == "label is 1,"


# --------------------------------------------------------------------------- numbers
def test_number_format_is_fixed_per_column():
    fmt = NumberFormat.fit(np.array([[1.0, 40.2, 1500.7, 0.00123], [3.0, 38.1, 900.2, 0.002]]))
    assert fmt.decimals == [0, 2, 0, 6]
    assert fmt.format(1, 40.2) == "40.20"      # the same width in training and prompts
    assert fmt.format(0, 2.0) == "2"
    assert fmt.format(1, -0.001) == "0.00"     # no "-0.00"
    assert NumberFormat.fit(np.array([[1.5, 2.25]]), fixed=3).format(0, 1.5) == "1.500"


@pytest.mark.parametrize("text, value", [("12", 12.0), (" -3.5 ", -3.5), ("1e3", 1000.0),
                                         ("abc", None), ("nan", None), ("inf", None),
                                         ("1.2.3", None), ("", None), ("4 apples", None)])
def test_parse_number(text, value):
    assert parse_number(text) == value


# --------------------------------------------------------------------------- escaping
@pytest.mark.parametrize("text", ["a,b", " is ", "x is", "is x", "a\\", "a\\ ", " a ", "",
                                  "line\nbreak", "is", "a is is b", "\\,", "a , b"])
def test_escaped_names_and_values_parse_back(text):
    name, value = escape(text, name=True), escape(text)
    assert unescape(name) == text and unescape(value) == text
    sentence = f"label is 1, {name} is {value}, junk, other is 3"
    assert "," not in name.replace("\\,", "") and " is " not in name
    found = parse_text(sentence, ["label", name, "other"])
    assert found == {"label": "1", name: text, "other": "3"}


def test_commas_and_is_inside_values_round_trip(codec):
    row = codec.parse("label is 1, job is tech\\, ops, age is 41, flag is True, score is 0.5")
    assert row.reason is None and row.cat.tolist() == [1, 1]
    row = codec.parse("label is 1, job is is it, age is 41, flag is False, score is 0.5")
    assert row.reason is None and row.cat.tolist() == [2, 0]


def test_separators_in_column_names():
    codec = RowCodec(["a, b", "x is y"], [], [], "label", "yes", NumberFormat([0, 0]))
    text = codec.sentences(codec.feature_clauses(np.array([[1.0, 2.0]]), None),
                           np.random.default_rng(0))[0]
    assert len(split_clauses(text)) == 3
    assert codec.parse(text).num.tolist() == [1.0, 2.0]


def test_names_that_collide_as_text_are_refused():
    with pytest.raises(ValueError, match="same name"):
        RowCodec(["a", "a"], [], [], "label", "1", NumberFormat([0, 0]))


# --------------------------------------------------------------------------- parser
def test_first_occurrence_wins_and_junk_is_ignored(codec):
    text = ("label is 1, age is 41, garbage, age is 99, no separator here, unknown is 5, "
            "score is 0.5, job is admin, flag is True, job is is it, ,,")
    row = codec.parse(text)
    assert row.reason is None
    assert row.num.tolist() == [41.0, 0.5] and row.cat.tolist() == [0, 1]


def test_newlines_are_spaces(codec):
    row = codec.parse("label is 1, age is 41,\nscore is 0.5, job is admin, flag is True")
    assert row.reason is None


@pytest.mark.parametrize("text, reason", [
    ("label is 1, age is 41, score is 0.5, job is admin", "missing column"),
    ("label is 1, age is forty, score is 0.5, job is admin, flag is True",
     "number not readable"),
    ("label is 1, age is 41, score is 0.5, job is plumber, flag is True", "unseen category"),
    ("label is 1, age is 99, score is 0.5, job is admin, flag is True",
     "number out of range"),
])
def test_invalid_row_rules(codec, text, reason):
    lo, hi = NUM.min(axis=0), NUM.max(axis=0)
    assert codec.parse(text, lo, hi).reason == reason


def test_out_of_range_is_accepted_without_bounds(codec):
    row = codec.parse("label is 1, age is 99, score is 0.5, job is admin, flag is True")
    assert row.reason is None and row.num[0] == 99.0


def test_categories_outside_the_class_are_invalid(codec):
    allowed = [np.array([True, True, False]), np.array([True, True])]
    text = "label is 1, age is 41, score is 0.5, job is is it, flag is True"
    assert codec.parse(text, allowed=allowed).reason == "unseen category"


def test_imputation_fills_missing_cells(codec):
    text = "label is 1, age is 41, job is plumber"
    row = codec.parse(text, impute_num=np.array([40.0, 0.25]), impute_cat=np.array([0, 1]))
    assert row.reason is None and row.imputed == 3
    assert row.num.tolist() == [41.0, 0.25] and row.cat.tolist() == [0, 1]
    # an unreadable number is never imputed
    bad = codec.parse("label is 1, age is x, score is 0.5, job is admin, flag is True",
                      impute_num=np.array([40.0, 0.25]), impute_cat=np.array([0, 1]))
    assert bad.reason == "number not readable"


def test_a_cut_off_row_keeps_its_finished_clauses(codec):
    assert without_last_clause("label is 1, age is 41, score is 0.1") == "label is 1, age is 41"
    assert without_last_clause("label is 1, job is tech\\, o") == "label is 1"
    assert without_last_clause("label") == ""


def test_restart_prompt_keeps_valid_clauses_once(codec):
    text = "label is 1, age is 41, job is tech\\, ops, junk, age is 50, flag is maybe"
    row = codec.parse(text)
    assert row.valid == ("age", "job") and "missing column" in row.reasons
    assert "unseen category" in row.reasons
    assert codec.restart(text, row.valid) == "label is 1, age is 41, job is tech\\, ops,"
    assert codec.restart("nothing here", ()) == "label is 1,"
