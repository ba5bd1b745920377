"""Tests of the synthetic Retail Rocket generator (rocketmart.generator).

The dataset is generated once per module (30k visitors, with properties and bad rows) and
every test reads the written files, so the checks are independent of generator internals.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from rocketmart.generator import (
    BAD_ROW_REASONS,
    CATEGORY_TREE_HEADER,
    EVENTS_HEADER,
    ITEM_PROPERTIES_HEADER,
    MANIFEST_NAME,
    GeneratorError,
    generate_dataset,
)
from rocketmart.generator._tree import REAL_LEVEL_COUNTS, level_counts_for, n_categories_for

N_VISITORS = 30_000
SEED = 42
N_BAD = 12
T_MIN, T_MAX = 1430622120563, 1442539013281
DAY_MS = 86_400_000
TS_LOW, TS_HIGH = 946684800000, 4102444800000  # 2000-01-01 .. 2100-01-01
PROPERTY_FILES = ("item_properties_part1.csv", "item_properties_part2.csv")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("rr") / "raw"
    result = generate_dataset(out, N_VISITORS, SEED, with_properties=True, bad_rows=N_BAD)
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    lines = (out / "events.csv").read_text().split("\n")
    assert lines[-1] == ""  # file ends with a newline
    lines = lines[1:-1]
    clean, bad = lines[: len(lines) - N_BAD], lines[len(lines) - N_BAD :]
    ev = pd.read_csv(out / "events.csv", nrows=len(clean), dtype={"transactionid": "Int64"})
    props = pd.concat(
        [pd.read_csv(out / f, dtype={"value": str, "property": str}) for f in PROPERTY_FILES],
        ignore_index=True,
    )
    tree = pd.read_csv(out / "category_tree.csv", dtype={"parentid": "Int64"})
    bots = set(manifest["planted"]["bot_visitors"])
    return {
        "out": out,
        "result": result,
        "manifest": manifest,
        "ev": ev,
        "bad": bad,
        "props": props,
        "tree": tree,
        "bots": bots,
    }


def _md5s(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _current_category(props: pd.DataFrame) -> pd.Series:
    cat = props[props.property == "categoryid"].sort_values(["itemid", "timestamp"])
    return cat.groupby("itemid").value.last().astype(int)


# --------------------------------------------------------------------------- layout


def test_headers_exact(data):
    out = data["out"]
    assert (out / "events.csv").read_text().split("\n", 1)[0] == EVENTS_HEADER
    assert EVENTS_HEADER == "timestamp,visitorid,event,itemid,transactionid"
    assert (out / "category_tree.csv").read_text().split("\n", 1)[0] == "categoryid,parentid"
    assert CATEGORY_TREE_HEADER == "categoryid,parentid"
    for f in PROPERTY_FILES:
        assert (out / f).read_text().split("\n", 1)[0] == "timestamp,itemid,property,value"
    assert ITEM_PROPERTIES_HEADER == "timestamp,itemid,property,value"


def test_plain_csv_no_quotes_no_cr(data):
    for f in ("events.csv", "category_tree.csv", *PROPERTY_FILES):
        raw = (data["out"] / f).read_bytes()
        assert b"\r" not in raw and b'"' not in raw, f


def test_file_row_counts_match_manifest(data):
    m = data["manifest"]
    for name, rows in m["files"].items():
        with open(data["out"] / name, "rb") as fh:
            assert sum(1 for _ in fh) - 1 == rows, name
    assert m["files"] == data["result"].files
    assert m["args"] == {
        "visitors": N_VISITORS,
        "seed": SEED,
        "with_properties": True,
        "bad_rows": N_BAD,
    }
    assert m["seed"] == SEED and m["n_visitors"] == N_VISITORS


def test_event_fields(data):
    ev = data["ev"]
    assert ev.timestamp.dtype == np.int64 and ev.visitorid.dtype == np.int64
    assert ev.itemid.dtype == np.int64
    assert set(ev.event.unique()) == {"view", "addtocart", "transaction"}
    is_tx = ev.event == "transaction"
    assert ev.transactionid[is_tx].notna().all()
    assert ev.transactionid[~is_tx].isna().all()
    assert ev.visitorid.nunique() == N_VISITORS
    # transactionid is written as a plain integer, empty otherwise
    sample = (data["out"] / "events.csv").read_text().split("\n")[1:2000]
    for line in sample:
        fields = line.split(",")
        assert len(fields) == 5
        assert fields[4] == "" or re.fullmatch(r"\d+", fields[4])


# --------------------------------------------------------------------------- determinism


def test_deterministic_for_same_seed_and_different_for_other_seed(tmp_path):
    args = {"with_properties": True, "bad_rows": 7}
    generate_dataset(tmp_path / "a", 3000, 7, **args)
    generate_dataset(tmp_path / "b", 3000, 7, **args)
    generate_dataset(tmp_path / "c", 3000, 8, **args)
    a, b, c = (_md5s(tmp_path / d) for d in "abc")
    assert a == b
    assert set(a) == {
        "events.csv",
        "category_tree.csv",
        *PROPERTY_FILES,
        MANIFEST_NAME,
    }
    for name in a:
        assert a[name] != c[name], name


def test_events_do_not_depend_on_properties_flag(tmp_path):
    generate_dataset(tmp_path / "p", 2500, 3, with_properties=True)
    generate_dataset(tmp_path / "n", 2500, 3)
    p, n = _md5s(tmp_path / "p"), _md5s(tmp_path / "n")
    assert p["events.csv"] == n["events.csv"]
    assert p["category_tree.csv"] == n["category_tree.csv"]


# --------------------------------------------------------------------------- calibration


def test_events_per_visitor(data):
    per = data["ev"].groupby("visitorid").size()
    assert 1.7 <= per.mean() <= 2.3
    assert per.median() == 1
    assert 8 <= per.quantile(0.99) <= 20
    assert per.max() > 300  # heavy tail incl. the bot


def test_event_mix(data):
    mix = data["ev"].event.value_counts(normalize=True) * 100
    assert abs(mix["view"] - 96.7) <= 0.6
    assert abs(mix["addtocart"] - 2.5) <= 0.5
    assert abs(mix["transaction"] - 0.8) <= 0.3


def test_visitor_funnel(data):
    ev = data["ev"]
    viewers = set(ev.visitorid[ev.event == "view"])
    carters = set(ev.visitorid[ev.event == "addtocart"])
    buyers = set(ev.visitorid[ev.event == "transaction"])
    assert 0.02 <= len(viewers & carters) / len(viewers) <= 0.035
    assert 0.24 <= len(carters & buyers) / len(carters) <= 0.38


def test_baskets(data):
    ev = data["ev"]
    tx = ev[ev.event == "transaction"]
    size = tx.groupby("transactionid").itemid.nunique()
    assert size.between(1, 4).all()
    assert (size == 1).mean() > 0.6
    assert (size > 1).any()
    # one visitor per transaction id, one line per (basket, item), lines within seconds
    assert (tx.groupby("transactionid").visitorid.nunique() == 1).all()
    assert not tx.drop_duplicates().duplicated(["transactionid", "itemid"]).any()
    spread = tx.groupby("transactionid").timestamp.agg(lambda s: s.max() - s.min())
    assert (spread <= 15_000).all()
    # most bought items were viewed and carted before by the buyer
    first = ev.groupby(["visitorid", "itemid", "event"]).timestamp.min().unstack()
    bought = tx.drop_duplicates(["visitorid", "itemid"]).set_index(["visitorid", "itemid"])
    f = first.loc[bought.index]
    viewed_before = (f["view"] <= bought.timestamp).mean()
    carted_before = (f["addtocart"] <= bought.timestamp).mean()
    assert viewed_before > 0.8 and carted_before > 0.6
    assert viewed_before < 1.0  # a few items are bought without a recorded view
    # some buyers never use the cart (real sample: 12.8 % of buyers)
    buyers = set(tx.visitorid)
    no_cart = buyers - set(ev.visitorid[ev.event == "addtocart"])
    assert 0.05 <= len(no_cart) / len(buyers) <= 0.25


def test_duplicates_share(data):
    ev = data["ev"]
    share = ev.duplicated().mean() * 100
    assert 0.005 <= share <= 0.05
    assert ev.duplicated().sum() == data["manifest"]["data_quality"]["exact_duplicate_rows"]


def test_time_span(data):
    ts = data["ev"].timestamp
    assert ts.min() >= T_MIN and ts.max() <= T_MAX
    assert (ts.max() - ts.min()) / DAY_MS <= 139
    assert (ts.max() - ts.min()) / DAY_MS > 130


def test_bot_like_visitors(data):
    ev = data["ev"]
    items = ev.groupby("visitorid").itemid.nunique()
    bot_like = set(items[items > 300].index)
    assert len(bot_like) >= 1
    assert bot_like == data["bots"]
    assert data["manifest"]["data_quality"]["bot_like_visitors"] == len(bot_like)


def test_item_counts_scale_and_long_tail(data):
    ev = data["ev"]
    per_item = ev.groupby("itemid").size()
    n_items = len(per_item)
    # a small sample of a big shop: nearly every visitor brings items nobody else touched
    # (real sample: 6,610 items among 5,000 visitors; 235 k items at full scale)
    assert 0.8 * N_VISITORS <= n_items <= 1.5 * N_VISITORS
    assert per_item.max() > 20 * per_item.median()
    assert (per_item == 1).mean() > 0.5
    prop_items = set(data["props"].itemid)
    assert len(prop_items - set(ev.itemid)) > 0.2 * len(prop_items)  # only in properties


def test_catalogue_and_tree_are_full_size_at_any_scale(tmp_path):
    small = generate_dataset(tmp_path / "s", 400, 5).manifest
    assert small["category_tree"]["n_categories"] == 1669
    assert small["category_tree"]["depth_counts"] == REAL_LEVEL_COUNTS.tolist()
    ev = pd.read_csv(tmp_path / "s" / "events.csv")
    # item ids come from the full id space (real: 0..466,866), not a 400-visitor shop
    assert ev.itemid.max() > 300_000
    assert ev.itemid.nunique() > 0.8 * 400


def test_scale_to_full_size_tree_shape():
    assert n_categories_for(1_400_000) == 1669
    assert n_categories_for(10) == 1669
    assert level_counts_for(1669).tolist() == REAL_LEVEL_COUNTS.tolist()


# --------------------------------------------------------------------------- bad rows


def _classify(line: str) -> str | None:
    f = line.split(",")
    if len(f) != 5 or not all(re.fullmatch(r"-?\d+", x) for x in (f[0], f[1], f[3])):
        return "unparseable"
    if f[2] not in ("view", "addtocart", "transaction"):
        return "unknown_event_type"
    if f[2] == "transaction" and f[4] == "":
        return "transaction_without_id"
    if f[2] != "transaction" and f[4] != "":
        return "id_on_non_transaction"
    if not TS_LOW <= int(f[0]) < TS_HIGH:
        return "timestamp_out_of_range"
    return None


def test_bad_rows_cover_every_reason(data):
    bad = data["bad"]
    assert len(bad) == N_BAD
    reasons = [_classify(line) for line in bad]
    assert None not in reasons
    counts = {r: reasons.count(r) for r in BAD_ROW_REASONS}
    assert all(c >= 1 for c in counts.values())
    assert data["manifest"]["bad_rows"] == counts
    assert data["manifest"]["data_quality"]["quarantined_rows"] == counts
    unparseable = [line for line in bad if _classify(line) == "unparseable"]
    assert {len(line.split(",")) for line in unparseable} >= {4, 6}
    for line in bad:
        assert '"' not in line and "\n" not in line


def test_bad_rows_five_give_one_of_each(tmp_path):
    result = generate_dataset(tmp_path, 50, 1, bad_rows=5)
    assert result.manifest["bad_rows"] == dict.fromkeys(BAD_ROW_REASONS, 1)
    lines = (tmp_path / "events.csv").read_text().splitlines()[-5:]
    assert sorted(_classify(line) for line in lines) == sorted(BAD_ROW_REASONS)


def test_clean_rows_all_valid(data):
    ev = data["ev"]
    assert ev.timestamp.between(TS_LOW, TS_HIGH).all()


# --------------------------------------------------------------------------- category tree


def test_category_tree_valid(data):
    tree = data["tree"]
    assert tree.categoryid.is_unique
    ids = set(tree.categoryid)
    parents = tree.parentid.dropna()
    assert set(parents) <= ids
    assert tree.parentid.isna().sum() >= 3
    parent = dict(zip(tree.categoryid, tree.parentid, strict=True))
    depth = {}
    for c in tree.categoryid:  # walk up; a cycle would exceed the node count
        d, node = 1, c
        while not pd.isna(parent[node]):
            node = parent[node]
            d += 1
            assert d <= len(tree)
        depth[c] = d
    assert max(depth.values()) >= 4  # roots at depth 1: at least 3 levels below the roots
    assert len(tree) >= 50
    m = data["manifest"]["category_tree"]
    assert m["n_categories"] == len(tree) and m["max_depth"] == max(depth.values())


# --------------------------------------------------------------------------- properties


def test_property_formats(data):
    props = data["props"]
    n1, n2 = (
        data["manifest"]["files"][PROPERTY_FILES[0]],
        data["manifest"]["files"][PROPERTY_FILES[1]],
    )
    assert abs(n1 - n2) <= 1
    assert props.timestamp.dtype == np.int64
    price = props.value[props.property == "790"]
    assert len(price) and price.str.fullmatch(r"n\d+\.\d{3}").all()
    avail = props.value[props.property == "available"]
    assert set(avail.unique()) == {"0", "1"}
    cats = props.value[props.property == "categoryid"].astype(int)
    assert set(cats) <= set(data["tree"].categoryid)
    assert cats.nunique() > 20
    noise = props[~props.property.isin(["categoryid", "available", "790"])]
    assert noise.property.str.fullmatch(r"\d+").all()
    assert len(noise) > 0.7 * len(props)
    assert {"888", "364", "283", "776", "678", "917", "6"} <= set(noise.property)
    assert not noise.value.str.contains(",").any()
    assert noise.value.str.contains(" ").any() and noise.value.str.contains(r"n\d+\.000").any()
    assert not props.duplicated(["itemid", "property", "timestamp"]).any()


def test_property_histories(data):
    props = data["props"]
    cat = props[props.property == "categoryid"]
    n_values = cat.groupby("itemid").value.nunique()
    share_changed = (n_values > 1).mean()
    assert 0.01 <= share_changed <= 0.1
    avail = props[props.property == "available"].sort_values(["itemid", "timestamp"])
    assert (avail.groupby("itemid").size() > 1).mean() > 0.3  # availability toggles
    toggles = avail.groupby("itemid").value.apply(lambda s: (s.values[1:] != s.values[:-1]).all())
    assert toggles.all()
    price = props[props.property == "790"]
    assert (price.groupby("itemid").value.nunique() > 1).mean() > 0.1
    current_avail = avail.groupby("itemid").value.last()
    assert (current_avail == "0").mean() > 0.1


def test_category_known_at_event_time(data):
    ev, props, m = data["ev"], data["props"], data["manifest"]
    cat = props[props.property == "categoryid"]
    first_cat = cat.groupby("itemid").timestamp.min()
    first_ev = ev.groupby("itemid").timestamp.min()
    known = first_cat.reindex(first_ev.index)
    assert (known <= first_ev).mean() > 0.85  # most items are described before their events
    late = (known > first_ev).mean()
    never = known.isna().mean()
    assert 0.01 < late < 0.15 and 0.005 < never < 0.08
    distinct = ev.drop_duplicates()
    fc = first_cat.reindex(distinct.itemid).to_numpy()
    no_cat = int((np.isnan(fc) | (fc > distinct.timestamp.to_numpy())).sum())
    assert no_cat == m["data_quality"]["events_without_category_at_event_time"]
    assert int(known.isna().sum()) == m["data_quality"]["event_items_never_categorised"]


# --------------------------------------------------------------------------- planted structure


def test_preferred_categories(data):
    ev = data["ev"][~data["ev"].visitorid.isin(data["bots"])]
    cur = _current_category(data["props"])
    e = ev.assign(cat=ev.itemid.map(cur)).dropna(subset=["cat"])
    per = e.groupby(["visitorid", "cat"]).size().rename("n").reset_index()
    total = per.groupby("visitorid").n.sum()
    top2 = per.sort_values("n", ascending=False).groupby("visitorid").head(2)
    share = (top2.groupby("visitorid").n.sum() / total)[total >= 5]
    assert len(share) > 500
    assert share.mean() >= 0.75


def test_planted_pairs_bought_together(data):
    m = data["manifest"]["planted"]
    pairs = m["planted_pairs"]
    assert 20 <= len(pairs) <= 50
    assert all(a < b for a, b in pairs)
    flat = [i for p in pairs for i in p]
    assert len(set(flat)) == len(flat)
    tx = data["ev"][data["ev"].event == "transaction"].drop_duplicates(["transactionid", "itemid"])
    baskets = tx.groupby("transactionid").itemid.apply(frozenset)
    n_baskets = len(baskets)
    with_a = with_b = both = 0
    for a, b in pairs:
        has_a = baskets.map(lambda s, a=a: a in s)
        has_b = baskets.map(lambda s, b=b: b in s)
        with_a += has_a.sum()
        with_b += has_b.sum()
        both += (has_a & has_b).sum()
    assert both >= 0.3 * len(pairs)
    # P(partner | one of the pair) far above the chance level P(partner in a basket)
    conf = both / max(min(with_a, with_b), 1)
    chance = max(with_a, with_b) / len(pairs) / n_baskets
    assert conf >= 0.4
    assert conf > 20 * chance


def test_planted_similar_items_are_top_neighbours(data):
    groups = data["manifest"]["planted"]["planted_similar_items"]
    assert len(groups) >= 5 and all(len(g) >= 2 for g in groups)
    ev = data["ev"][~data["ev"].visitorid.isin(data["bots"])]
    vi = ev[["visitorid", "itemid"]].drop_duplicates()
    v_codes, _ = pd.factorize(vi.visitorid)
    i_codes, items = pd.factorize(vi.itemid)
    mat = sp.csr_matrix((np.ones(len(vi)), (v_codes, i_codes))).tocsc()
    norms = np.sqrt(np.asarray(mat.sum(axis=0)).ravel())
    index = {item: j for j, item in enumerate(items)}
    hits = total = 0
    for g in groups:
        for x in g:
            j = index[x]
            co = np.asarray((mat.T @ mat[:, j]).todense()).ravel()
            sim = np.where(co >= 2, co / (norms * norms[j]), -1.0)
            sim[j] = -1.0
            top = set(items[np.argsort(-sim, kind="stable")[:20]])
            hits += sum(y in top for y in g if y != x)
            total += len(g) - 1
    assert hits / total >= 0.9


def test_recent_cart_predicts_purchase(data):
    """Pooled over weekly cutoffs: a cart in the last 7 days predicts a purchase in the next 7."""
    ev = data["ev"][~data["ev"].visitorid.isin(data["bots"])]
    t_end = ev.timestamp.max()
    n_cart = n_cart_buy = n_other = n_other_buy = 0
    for cut in range(T_MIN + 30 * DAY_MS, t_end - 7 * DAY_MS, 7 * DAY_MS):  # ~15 cutoffs
        before = ev[(ev.timestamp < cut) & (ev.timestamp >= cut - 30 * DAY_MS)]
        active = set(before.visitorid)
        recent = before[(before.event == "addtocart") & (before.timestamp >= cut - 7 * DAY_MS)]
        carted = set(recent.visitorid)
        nxt = ev[(ev.timestamp >= cut) & (ev.timestamp < cut + 7 * DAY_MS)]
        buyers = set(nxt.visitorid[nxt.event == "transaction"])
        n_cart += len(carted)
        n_cart_buy += len(carted & buyers)
        n_other += len(active - carted)
        n_other_buy += len((active - carted) & buyers)
    assert n_cart > 100
    assert n_cart_buy / n_cart > 10 * n_other_buy / n_other
    # more engaged visitors (more views) are much more likely to buy
    views = ev[ev.event == "view"].groupby("visitorid").size()
    is_buyer = views.index.isin(list(set(ev.visitorid[ev.event == "transaction"])))
    assert is_buyer[views >= 5].mean() > 5 * is_buyer[views <= 2].mean()


def test_returning_visitors_and_churn(data):
    ev = data["ev"][~data["ev"].visitorid.isin(data["bots"])].sort_values("timestamp")
    gap = ev.groupby("visitorid").timestamp.diff()
    assert (gap > 30 * DAY_MS).sum() > 50  # some come back after a long break
    buyers = ev[ev.event == "transaction"].visitorid.unique()
    last_seen = ev[ev.visitorid.isin(buyers)].groupby("visitorid").timestamp.max()
    churned = (ev.timestamp.max() - last_seen) > 30 * DAY_MS
    assert 0.2 < churned.mean() < 0.95


# --------------------------------------------------------------------------- directory handling


def test_without_properties_removes_stale_parts(tmp_path):
    generate_dataset(tmp_path, 200, 1, with_properties=True)
    assert (tmp_path / PROPERTY_FILES[0]).exists()
    (tmp_path / "item_properties_part3.csv").write_text("stale\n")
    result = generate_dataset(tmp_path, 200, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "category_tree.csv",
        "events.csv",
        MANIFEST_NAME,
    ]
    assert set(result.files) == {"events.csv", "category_tree.csv"}
    assert result.manifest["item_properties"] is None


def test_out_is_a_file(tmp_path):
    f = tmp_path / "file.csv"
    f.write_text("x\n")
    with pytest.raises(GeneratorError, match="not a directory"):
        generate_dataset(f, 10, 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_visitors": 0}, "n_visitors"),
        ({"bad_rows": -1}, "bad_rows"),
        ({"seed": -3}, "seed"),
    ],
)
def test_invalid_arguments(tmp_path, kwargs, match):
    with pytest.raises(GeneratorError, match=match):
        generate_dataset(tmp_path, **kwargs)
