"""Time rocketmart.similarity.top_k_cosine on a synthetic matrix of full Retail Rocket scale.

1.4 M visitors, 235 k items, ~2 M distinct (visitor, item) interactions, Zipf item
popularity and a heavy-tailed number of items per visitor (most visitors see one item).
Run: .venv/bin/python bench/bench_similarity.py [--k 20] [--seed 42]
Prints wall time and peak resident memory (ru_maxrss) of the whole process.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from rocketmart.similarity import top_k_cosine

N_VISITORS = 1_400_000
N_ITEMS = 235_000
TARGET_NNZ = 2_000_000
ZIPF_EXPONENT = 0.9


def synthetic_interactions(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    # items per visitor: mostly 1, a geometric body and a Pareto tail of heavy visitors
    # up to the bot cap (300), scaled to ~2 M interactions in total
    per_visitor = rng.geometric(0.6, size=N_VISITORS)
    heavy = rng.random(N_VISITORS) < 0.01
    per_visitor[heavy] += (rng.pareto(1.2, size=heavy.sum()) * 10).astype(np.int64)
    per_visitor = np.minimum(per_visitor, 300)
    per_visitor = np.maximum(np.round(per_visitor * TARGET_NNZ / per_visitor.sum()), 1)
    visitors = np.repeat(np.arange(N_VISITORS, dtype=np.int64), per_visitor.astype(np.int64))
    # Zipf-like item popularity (p ~ 1 / rank^0.9) over a random permutation of item ids
    weights = 1.0 / np.arange(1, N_ITEMS + 1) ** ZIPF_EXPONENT
    ranks = rng.choice(N_ITEMS, size=visitors.size, p=weights / weights.sum())
    items = rng.permutation(N_ITEMS)[ranks].astype(np.int64)
    return visitors, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    visitors, items = synthetic_interactions(args.seed)
    print(f"interactions: {visitors.size:,} rows, {np.unique(items).size:,} distinct items")
    started = time.perf_counter()
    result = top_k_cosine(visitors, items, k=args.k)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"top_k_cosine: {elapsed:.1f} s, {len(result):,} neighbour rows")
    print(f"peak RSS of the process: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
