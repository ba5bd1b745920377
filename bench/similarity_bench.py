"""(e) Item similarity alone: rocketmart.similarity.top_k_cosine against implicit.

Both run on the same binary visitor x item matrix: the distinct (visitor, item) pairs of
the built warehouse without bot-like visitors (intermediate.int_visitor_item_interactions
when the recommendations workstream has built it, else the same query on
int_events_enriched / int_visitor_activity), restricted to items with >= 2 visitors.

implicit's CosineRecommender counts the item itself among its K neighbours, so it is
fitted with K = k + 1 and the self pair is dropped. It keeps pairs with a single common
visitor, so the overlap is measured against top_k_cosine(min_common_visitors=1), the same
definition; the production setting (>= 2 common visitors) is timed as well. Ties at the
k-th similarity are legitimately broken differently (implicit has no id tie-break), so the
overlap is reported exactly and tie-aware (a neighbour missing from implicit's list counts
as matched when its similarity equals the smallest similarity implicit kept for that item).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse

from harness import Stats

FALLBACK_SQL = """
    select distinct events.visitor_id, events.item_id
    from intermediate.int_events_enriched as events
    inner join intermediate.int_visitor_activity as activity using (visitor_id)
    where not activity.is_bot_like
"""


def load_interactions(warehouse: Path) -> tuple[np.ndarray, np.ndarray, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'intermediate'"
            ).fetchall()
        }
        if "int_visitor_item_interactions" in tables:
            source = "intermediate.int_visitor_item_interactions"
            sql = f"select visitor_id, item_id from {source}"
        else:
            source = "int_events_enriched without bot-like visitors (fallback query)"
            sql = FALLBACK_SQL
        frame = con.execute(sql).df()
    return frame["visitor_id"].to_numpy(), frame["item_id"].to_numpy(), source


def binary_matrix(visitors: np.ndarray, items: np.ndarray, min_item_visitors: int = 2):
    """CSR visitor x item (float32 ones) over items with >= min_item_visitors visitors."""
    item_keys, item_index = np.unique(items, return_inverse=True)
    _, visitor_index = np.unique(visitors, return_inverse=True)
    matrix = sparse.csr_matrix(
        (np.ones(item_index.size, dtype=np.float32), (visitor_index, item_index)),
        shape=(int(visitor_index.max()) + 1, item_keys.size),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    kept = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() >= min_item_visitors)
    return matrix[:, kept].tocsr(), item_keys[kept]


def implicit_fit(matrix, k: int):
    from implicit.nearest_neighbours import CosineRecommender

    model = CosineRecommender(K=k + 1)
    with warnings.catch_warnings():  # implicit converts its own normalised COO to CSR
        warnings.simplefilter("ignore")
        model.fit(matrix, show_progress=False)
    return model


def implicit_pairs(model, item_keys: np.ndarray, k: int) -> pd.DataFrame:
    """implicit's top-k neighbours per item (self pair dropped) as item_id/similar_item_id."""
    sim = model.similarity.tocoo()
    keep = sim.row != sim.col
    rows, cols, vals = sim.row[keep], sim.col[keep], sim.data[keep]
    order = np.lexsort((-vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    rank = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size])) + 1
    top = rank <= k
    return pd.DataFrame(
        {
            "item_id": item_keys[rows[top]],
            "similar_item_id": item_keys[cols[top]],
            "similarity": vals[top].astype("float64"),
        }
    )


def overlap(project: pd.DataFrame, theirs: pd.DataFrame, k: int) -> dict:
    """Share of the project's top-k neighbours found in implicit's top-k, exact and tie-aware."""
    mine = project.loc[project["rank"] <= k, ["item_id", "similar_item_id", "similarity"]]
    matched = mine.merge(
        theirs[["item_id", "similar_item_id"]].assign(found=True),
        on=["item_id", "similar_item_id"],
        how="left",
    )
    found = matched["found"].fillna(False).to_numpy(dtype=bool)
    per_item = theirs.groupby("item_id").agg(
        their_floor=("similarity", "min"), their_n=("similarity", "size")
    )
    mine_n = mine.groupby("item_id").size().rename("mine_n")
    matched = matched.join(per_item, on="item_id").join(mine_n, on="item_id")
    # a miss is a tie when implicit's list is full and ends on the same similarity
    full = matched["their_n"].to_numpy() >= np.minimum(k, matched["mine_n"].to_numpy())
    tied = np.isclose(
        matched["similarity"].to_numpy(),
        matched["their_floor"].to_numpy(dtype="float64", na_value=np.nan),
        rtol=1e-5,
        atol=1e-7,
    )
    n_total = len(matched)
    return {
        "pairs": n_total,
        "items": int(mine["item_id"].nunique()),
        "implicit_pairs": len(theirs),
        "exact": float(found.mean()) if n_total else float("nan"),
        "tie_aware": float((found | (tied & full)).mean()) if n_total else float("nan"),
    }


def measure(warehouse: Path, k: int, reps: int) -> dict:
    try:
        from rocketmart.similarity import top_k_cosine
    except ImportError:
        return {"status": "skipped", "note": "rocketmart.similarity is not on this branch yet"}
    try:
        import implicit  # noqa: F401
    except ImportError:
        return {"status": "skipped", "note": "implicit is not installed (pip install -e .[bench])"}

    visitors, items, source = load_interactions(warehouse)
    project_prod, project_same, matrix_build, fit_time = (Stats() for _ in range(4))
    result_same = None
    model = None
    for rep in range(1, reps + 1):
        started = time.perf_counter()
        top_k_cosine(visitors, items, k=k)
        project_prod.add(time.perf_counter() - started)

        started = time.perf_counter()
        result_same = top_k_cosine(visitors, items, k=k, min_common_visitors=1)
        project_same.add(time.perf_counter() - started)

        started = time.perf_counter()
        matrix, item_keys = binary_matrix(visitors, items)
        matrix_build.add(time.perf_counter() - started)

        started = time.perf_counter()
        model = implicit_fit(matrix, k)
        fit_time.add(time.perf_counter() - started)
        print(
            f"[e] similarity rep {rep}: project {project_prod.samples[-1]:.2f} s, "
            f"implicit fit {fit_time.samples[-1]:.2f} s "
            f"(+ matrix {matrix_build.samples[-1]:.2f} s)",
            flush=True,
        )
    stats = overlap(result_same, implicit_pairs(model, item_keys, k), k)
    return {
        "status": "measured",
        "source": source,
        "k": k,
        "n_interactions": int(visitors.size),
        "matrix_shape": tuple(int(x) for x in matrix.shape),
        "matrix_nnz": int(matrix.nnz),
        "project": project_prod,
        "project_min_common_1": project_same,
        "implicit_matrix": matrix_build,
        "implicit_fit": fit_time,
        "overlap": stats,
    }
