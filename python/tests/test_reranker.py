"""Re-ranker: candidate pivot, fit / rerank on a planted signal, reasons."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from rocketmart import reranker


def long_candidates():
    return pd.DataFrame(
        {
            "visitor_id": [1, 1, 1, 1, 2],
            "item_id": [10, 11, 10, 12, 10],
            "generator": [
                "item_similarity",
                "item_similarity",
                "category_popularity",
                "als",
                "global_popularity",
            ],
            "score": [4.0, 2.0, 30.0, 0.5, 7.0],
            "rank": [1, 2, 1, 1, 1],
            "anchor_item_id": [99, 98, None, None, None],
            "anchor_count": [12, 3, None, None, None],
            "category_id": [None, None, 1051, None, None],
        }
    ).astype({"anchor_item_id": "Int64", "anchor_count": "Int64", "category_id": "Int64"})


def test_candidate_features_pivot_hand_computed():
    wide = reranker.candidate_features(long_candidates())
    assert wide[["visitor_id", "item_id"]].values.tolist() == [[1, 10], [1, 11], [1, 12], [2, 10]]
    first = wide.iloc[0]
    # similarity 4 / best 4 = 1; category 30 / 30 = 1; no ALS, co-purchase or global row
    assert first["item_similarity_score"] == 1.0
    assert first["category_popularity_score"] == 1.0
    assert first["item_similarity_missing"] == 0.0
    assert first["als_missing"] == 1.0
    assert first["als_score"] == 0.0
    assert first["als_rank"] == reranker.BIG_RANK
    assert first["als_log_rank"] == pytest.approx(np.log(reranker.BIG_RANK))
    assert first["item_similarity_anchor_item_id"] == 99
    # item 11: similarity 2 / 4
    assert wide.iloc[1]["item_similarity_score"] == 0.5
    assert wide.iloc[1]["item_similarity_log_rank"] == pytest.approx(np.log(2))
    assert set(reranker.generator_feature_columns()) <= set(wide.columns)


def test_candidate_features_rejects_unknown_generator():
    frame = long_candidates().assign(generator="magic")
    with pytest.raises(ValueError, match="unknown generators"):
        reranker.candidate_features(frame)


def test_candidate_features_keeps_best_rank_of_duplicates():
    frame = pd.DataFrame(
        {
            "visitor_id": [1, 1],
            "item_id": [5, 5],
            "generator": ["als", "als"],
            "score": [0.2, 0.9],
            "rank": [4, 2],
        }
    )
    wide = reranker.candidate_features(frame)
    assert len(wide) == 1 and wide["als_rank"].iloc[0] == 2


def planted_frame(seed, n_visitors=60, n_items=30):
    """Interacted items have a high 'signal' feature; 'noise' carries nothing."""
    rng = np.random.default_rng(seed)
    visitor = np.repeat(np.arange(n_visitors), n_items)
    item = np.tile(np.arange(n_items), n_visitors)
    label = (rng.random(visitor.size) < 0.1).astype(int)
    signal = label * 2.0 + rng.normal(0, 0.5, visitor.size)
    noise = rng.normal(0, 1, visitor.size)
    return pd.DataFrame(
        {"visitor_id": visitor, "item_id": item, "signal": signal, "noise": noise, "label": label}
    )


def test_fit_learns_planted_signal_and_is_deterministic():
    train = planted_frame(0)
    model = reranker.fit(train, "label", ["signal", "noise"])
    again = reranker.fit(train, "label", ["signal", "noise"])
    pd.testing.assert_series_equal(model.coefficients, again.coefficients)
    assert model.coefficients["signal"] > 1.0
    assert abs(model.coefficients["noise"]) < 0.3

    test = planted_frame(1)
    lists = reranker.rerank(model, test, n=3)
    assert lists.groupby("visitor_id").size().eq(3).all()
    # top-3 precision far above the 10 % base rate
    assert lists["label"].mean() > 0.6
    # ranks 1..3 follow the probability, ties by item_id
    ordered = lists.sort_values(["visitor_id", "rank"])
    assert ordered.groupby("visitor_id")["probability"].is_monotonic_decreasing.all()


def test_coefficient_table_scores_like_predict_in_sql():
    train = planted_frame(0)
    model = reranker.fit(train, "label", ["signal", "noise"])
    table = reranker.coefficient_table(model)
    assert table["feature"].tolist() == ["signal", "noise", "(intercept)"]
    test = planted_frame(1).head(50)
    con = duckdb.connect()
    con.register("candidates", test)
    con.register("coefficients", table)
    sql_scores = con.sql(
        """
        with long as (
            unpivot (select visitor_id, item_id, signal, noise from candidates)
            on signal, noise into name feature value x
        ),
        logits as (
            select long.visitor_id, long.item_id,
                sum(c.coefficient * (long.x - c.mean) / c.scale) as linear
            from long join coefficients c using (feature)
            group by all
        )
        select 1 / (1 + exp(-(linear + (
            select coefficient from coefficients where feature = '(intercept)'))))
            as probability
        from logits order by visitor_id, item_id
        """
    ).fetchnumpy()["probability"]
    expected = reranker.predict(model, test.sort_values(["visitor_id", "item_id"]))
    np.testing.assert_allclose(sql_scores, expected, atol=1e-9)


def test_rerank_breaks_ties_by_item_id():
    train = planted_frame(0)
    model = reranker.fit(train, "label", ["signal"])
    tied = pd.DataFrame({"visitor_id": [1, 1, 1], "item_id": [30, 10, 20], "signal": [0.0] * 3})
    lists = reranker.rerank(model, tied, n=2)
    assert lists["item_id"].tolist() == [10, 20]
    assert lists["rank"].tolist() == [1, 2]


def test_fit_needs_both_classes_and_all_columns():
    train = planted_frame(0).assign(label=0)
    with pytest.raises(ValueError, match="positive and negative"):
        reranker.fit(train, "label", ["signal"])
    with pytest.raises(ValueError, match="feature columns missing"):
        reranker.fit(planted_frame(0), "label", ["absent"])


def test_sample_weight_equals_repeated_rows():
    train = planted_frame(2).head(300)
    weights = np.where(train["label"] == 1, 3, 1)
    weighted = reranker.fit(train.assign(w=weights), "label", ["signal", "noise"], weight="w")
    repeated = reranker.fit(train.loc[train.index.repeat(weights)], "label", ["signal", "noise"])
    np.testing.assert_allclose(weighted.coefficients, repeated.coefficients, rtol=1e-3)


def test_reasons_follow_the_strongest_proposing_generator():
    wide = reranker.candidate_features(long_candidates())
    # a model where only the similarity and category scores matter, category 3x more
    wide["label"] = [1, 0, 0, 0]
    features = ["item_similarity_score", "category_popularity_score"]
    model = reranker.fit(wide, "label", features)
    coefficients = model.pipeline[-1].coef_
    coefficients[:] = [[1.0, 3.0]]
    texts = reranker.reasons(model, wide)
    # (1, 10): both propose it, category contributes more
    assert texts.iloc[0] == "top seller in category 1051"
    # (1, 11): only similarity proposes it: its anchor and count are quoted
    assert texts.iloc[1] == "viewed with 98 by 3 visitors"
    # (1, 12): only ALS; (2, 10): only global popularity
    assert texts.iloc[2] == "similar shoppers (ALS)"
    assert texts.iloc[3] == "popular across the shop"


def test_reasons_without_evidence_columns_use_generic_text():
    frame = long_candidates().drop(columns=["anchor_item_id", "anchor_count", "category_id"])
    wide = reranker.candidate_features(frame).assign(label=[1, 0, 0, 0])
    model = reranker.fit(wide, "label", ["item_similarity_score"])
    texts = reranker.reasons(model, wide)
    assert texts.iloc[1] == "viewed by the same visitors as your recent items"
    assert reranker.reasons(model, wide.iloc[:0]).empty


def _candidate_frame(labels):
    n = len(labels)
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "cutoff_name": "training",
            "visitor_id": np.arange(n) // 4,
            "item_id": np.arange(n),
            "als_log_rank": rng.normal(size=n),
            "category_share": rng.uniform(size=n),
            "is_new_interaction": labels,
        }
    )


def test_training_coefficients_fit_matches_predict():
    labels = [True, False, False, False] * 10
    frame = _candidate_frame(labels)
    frame.loc[frame["is_new_interaction"], "category_share"] += 1.0  # a learnable signal
    table = reranker.training_coefficients(frame)
    assert list(table.columns) == reranker.COEFFICIENT_COLUMNS
    assert table["feature"].tolist() == ["als_log_rank", "category_share", "(intercept)"]
    assert set(table["status"]) == {"fitted"}
    assert table["n_train"].iloc[0] == 40 and table["n_positive"].iloc[0] == 10
    # the table scores like the fitted pipeline (what the SQL scoring relies on)
    features = ["als_log_rank", "category_share"]
    model = reranker.fit(frame.assign(y=frame["is_new_interaction"].astype(int)), "y", features)
    coef = table.set_index("feature")
    logit = coef.loc["(intercept)", "coefficient"] + sum(
        coef.loc[f, "coefficient"] * (frame[f] - coef.loc[f, "mean"]) / coef.loc[f, "scale"]
        for f in features
    )
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), reranker.predict(model, frame), atol=1e-9)


def test_training_coefficients_single_class_falls_back_to_rank_prior():
    table = reranker.training_coefficients(_candidate_frame([False] * 8))
    assert set(table["status"]) == {"prior"}
    coef = table.set_index("feature")["coefficient"]
    assert coef["als_log_rank"] == -1.0 and coef["category_share"] == 0.0
    empty = reranker.training_coefficients(_candidate_frame([]))
    assert set(empty["status"]) == {"prior"} and (empty["n_train"] == 0).all()


def test_training_coefficients_do_not_depend_on_row_order():
    labels = [True, False, False, False] * 10
    frame = _candidate_frame(labels)
    shuffled = frame.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(
        reranker.training_coefficients(frame), reranker.training_coefficients(shuffled)
    )
