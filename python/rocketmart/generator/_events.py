"""Clickstream simulation: visitors, sessions, views, carts, baskets, bots, planted structure.

Everything is vectorised over visitors / sessions / events; the only Python loops run over a
handful of weekly epochs, planted pairs or planted groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._catalog import Catalog
from ._common import (
    ADDTOCART,
    DAY_MS,
    FULL_SCALE_VISITORS,
    HOUR_MS,
    MINUTE_MS,
    SECOND_MS,
    SPAN_MS,
    T_MAX,
    T_MIN,
    TRANSACTION,
    VIEW,
    pick_in_segment,
    seg_cumsum,
    seg_rank,
    seg_starts,
    sigmoid,
    to_real_time,
)
from ._tree import CategoryTree, siblings_table

# --- visitor activity (calibrated: mean ~1.96 events, median 1, p99 ~13) ---
SESS_MU, SESS_SIGMA = -2.8, 1.8  # sessions - 1 ~ Poisson(exp(mu + sigma * z))
LEN_MU, LEN_SIGMA, LEN_RHO = -1.95, 1.3, 0.55  # events/session - 1 ~ Poisson(...)
MAX_SESSIONS, MAX_SESSION_LEN, MAX_VISITOR_VIEWS = 40, 60, 220
REPEAT_VIEW_P = 0.4  # re-view the previous item of the session
# --- time: gaps inside a visit (lognormal, real median ~1 minute) and between visits
# (lognormal in "activity time", real median ~1.8 days, p90 ~35 days)
IN_GAP_MEDIAN_S, IN_GAP_SIGMA = 65.0, 1.5
BETWEEN_GAP_MEDIAN_H, BETWEEN_GAP_SIGMA = 40.0, 2.6
PREF_SHARE = 0.88  # share of views inside the visitor's preferred categories
SECOND_PREF_P, SECOND_PREF_SHARE = 0.5, 0.35
# --- funnel (viewers -> carters ~2.7 %, carters -> buyers ~31 %) ---
# logit P(cart) = C0 + VIEWS*log(views) + SESS*log(sessions) + NOISE*hidden intent
CART_C0, CART_VIEWS, CART_SESS, CART_NOISE = -4.72, 0.95, 0.6, 0.9
CARTS_EXTRA_MU = 0.33  # carts per carter: 1 + Poisson(mu + 0.25 * log(views))
# logit P(buy | carter), same form; the hidden intent is shared with the cart decision
BUY_C0, BUY_SESS, BUY_VIEWS, BUY_NOISE = -2.42, 0.7, 0.3, 0.9
SAME_SESSION_BUY_P = 0.6  # otherwise the buyer returns ~1.5 days after the cart to buy
SKIP_CART_P = 0.13  # buyers who never use the cart (real sample: 12.8 % of buyers)
# Repeat purchases are rare for a typical buyer (real sample: 1 of 40 transaction ids) but a
# few heavy buyers make many, which brings transaction ids per visitor to the full data's.
REPEAT_BUYER_P, REPEAT_EXTRA_MEAN, REPEAT_GAP_DAYS = 0.01, 0.4, 12.0
HEAVY_BUYER_P, HEAVY_GAP_DAYS = 0.008, 0.95
BASKET_SIZE_P = np.array([0.945, 0.035, 0.013, 0.007])
EXTRA_FROM_VIEWS_P = 0.7
PAIR_PARTNER_P = 0.6
DUPLICATE_SHARE = 0.0002
BOTS_PER_VISITOR = 1 / 280_000


@dataclass
class Events:
    ts: np.ndarray
    visitor: np.ndarray  # visitor id
    event: np.ndarray  # 0 view, 1 addtocart, 2 transaction
    item: np.ndarray  # item index into the catalogue
    txn: np.ndarray  # transaction id or -1
    planted: dict = field(default_factory=dict)


def _concat(*parts):
    return [np.concatenate(cols) for cols in zip(*parts, strict=True)]


def _pick_planted(rng: np.random.Generator, cat: Catalog, n_pairs: int, n_groups: int):
    """Planted co-purchase pairs and co-viewed groups among popular items of big categories."""
    eligible = np.flatnonzero(cat.cat_count >= 8)
    if len(eligible) == 0:
        eligible = np.flatnonzero(cat.cat_count >= 4)
    need = n_pairs + n_groups
    p = cat.cat_pop[eligible] / cat.cat_pop[eligible].sum()
    take = min(need, len(eligible))
    chosen = rng.choice(eligible, size=take, replace=False, p=p)
    chosen = np.resize(chosen, need)  # tiny catalogues: reuse categories (items stay distinct)
    used = np.zeros(cat.n, dtype=bool)
    pairs, groups = [], []
    for j, c in enumerate(chosen):  # n_pairs + n_groups iterations (<= 70)
        s, k = cat.cat_start[c], cat.cat_count[c]
        members = s + np.argsort(-cat.base_w[s : s + k], kind="stable")
        members = members[~used[members]]
        size = 2 if j < n_pairs else 3
        if j < n_pairs:
            picked = members[[0, min(3, len(members) - 1)]] if len(members) > 1 else members
        else:
            picked = members[1 : 1 + size] if len(members) > size else members[:size]
        if len(picked) < size or len(set(picked.tolist())) < size:
            continue
        used[picked] = True
        (pairs if j < n_pairs else groups).append(picked)
    return np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(groups, dtype=np.int64).reshape(
        -1, 3
    )


def simulate(rng: np.random.Generator, tree: CategoryTree, cat: Catalog, n_visitors: int) -> Events:
    n_bots = max(1, round(n_visitors * BOTS_PER_VISITOR)) if n_visitors >= 2000 else 0
    n_v = n_visitors - n_bots
    scale = n_visitors / FULL_SCALE_VISITORS
    n_pairs = int(np.clip(round(20 + 30 * scale), 20, 50))
    n_groups = int(np.clip(round(5 + 15 * scale), 5, 20))
    pairs, groups = _pick_planted(rng, cat, n_pairs, n_groups)

    # ------------------------------------------------------------------ sessions
    z = rng.normal(size=n_v)
    n_sess = 1 + rng.poisson(np.exp(SESS_MU + SESS_SIGMA * z))
    n_sess = np.minimum(n_sess, MAX_SESSIONS)
    z_len = LEN_RHO * z + np.sqrt(1 - LEN_RHO**2) * rng.normal(size=n_v)
    len_rate = np.exp(LEN_MU + LEN_SIGMA * z_len)
    s_vis = np.repeat(np.arange(n_v), n_sess)
    s_len = np.minimum(1 + rng.poisson(len_rate[s_vis]), MAX_SESSION_LEN)
    n_s = len(s_vis)
    # events inside a session: lognormal gaps around a minute (always < 30 minutes)
    e_sess = np.repeat(np.arange(n_s), s_len)
    gap = rng.lognormal(np.log(IN_GAP_MEDIAN_S * SECOND_MS), IN_GAP_SIGMA, len(e_sess))
    long = gap > 28 * MINUTE_MS
    gap[long] = rng.uniform(SECOND_MS, 28 * MINUTE_MS, long.sum())
    first_in_sess = seg_starts(s_len)
    gap[first_in_sess] = 0
    e_off = seg_cumsum(gap.astype(np.int64), s_len)
    s_dur = e_off[first_in_sess + s_len - 1]
    # gaps between sessions, in activity time: lognormal (hours to months)
    between = rng.lognormal(np.log(BETWEEN_GAP_MEDIAN_H * HOUR_MS), BETWEEN_GAP_SIGMA, n_s)
    between = np.minimum(between, 120 * DAY_MS)
    s_gap = np.empty(n_s, dtype=np.int64)
    s_gap[1:] = s_dur[:-1] + 31 * MINUTE_MS + between[1:].astype(np.int64)
    first_sess = seg_starts(n_sess)
    s_gap[first_sess] = 0
    s_off = seg_cumsum(s_gap, n_sess)
    v_len = s_off[first_sess + n_sess - 1]
    # place the whole visit history inside the period when it fits (in activity time, then
    # mapped to real time so that session starts follow the daily and weekly rhythm); longer
    # histories are cut at the end
    room = np.where(v_len < SPAN_MS, SPAN_MS - v_len, SPAN_MS)
    v_start = (rng.random(n_v) * room).astype(np.int64)
    s_ts = to_real_time(np.minimum(v_start[s_vis] + s_off, SPAN_MS + 1))
    s_ts[v_start[s_vis] + s_off > SPAN_MS] = T_MAX + 1
    e_vis = s_vis[e_sess]
    e_ts = s_ts[e_sess] + e_off
    # per visitor cap on views (keeps normal visitors far below the bot threshold)
    rank = seg_rank(e_vis)
    keep = (e_ts <= T_MAX) & (rank < MAX_VISITOR_VIEWS)
    e_vis, e_ts, e_sess = e_vis[keep], e_ts[keep], e_sess[keep]
    sess_kept = np.zeros(n_s, dtype=bool)
    sess_kept[e_sess] = True
    v_sessions = np.bincount(s_vis[sess_kept], minlength=n_v)

    # ------------------------------------------------------------------ views
    has_items = cat.cat_count > 0
    cat_p = np.where(has_items, cat.cat_pop, 0.0)
    cat_p /= cat_p.sum()
    pref1 = rng.choice(tree.n, size=n_v, p=cat_p)
    sib_order, sib_start, sib_count = siblings_table(tree, has_items)
    sib = sib_order[pick_in_segment(rng, sib_start[pref1], sib_count[pref1])]
    other = rng.choice(tree.n, size=n_v, p=cat_p)
    pref2 = np.where(rng.random(n_v) < 0.6, sib, other)
    has2 = rng.random(n_v) < SECOND_PREF_P
    n_e = len(e_vis)
    r = rng.random(n_e)
    explore = rng.choice(tree.n, size=n_e, p=cat_p)
    use2 = has2[e_vis] & (rng.random(n_e) < SECOND_PREF_SHARE)
    e_cat = np.where(r < PREF_SHARE, np.where(use2, pref2[e_vis], pref1[e_vis]), explore)
    e_item = cat.sample(rng, e_cat, e_ts)
    # repeated views of the previous item of the same session
    new_sess = np.ones(n_e, dtype=bool)
    new_sess[1:] = e_sess[1:] != e_sess[:-1]
    rep = (rng.random(n_e) < REPEAT_VIEW_P) & ~new_sess
    src = np.maximum.accumulate(np.where(rep, 0, np.arange(n_e)))
    e_item = e_item[src]

    # planted co-viewed groups: whoever views one member views the others right after
    group_of = np.full(cat.n, -1, dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    hit = np.flatnonzero(group_of[e_item] >= 0)
    add = []
    for j in range(groups.shape[1] if len(groups) else 0):
        member = groups[group_of[e_item[hit]], j]
        m = member != e_item[hit]
        h = hit[m]
        dt = (j + 1) * rng.integers(3 * SECOND_MS, 40 * SECOND_MS, len(h))
        add.append((e_vis[h], e_ts[h] + dt, member[m]))
    if add:
        av, at, ai = _concat(*add)
        e_vis, e_ts, e_item = _concat((e_vis, e_ts, e_item), (av, at, ai))
    ok = e_ts <= T_MAX
    e_vis, e_ts, e_item = e_vis[ok], e_ts[ok], e_item[ok]
    order = np.lexsort((e_ts, e_vis))
    e_vis, e_ts, e_item = e_vis[order], e_ts[order], e_item[order]
    nv = np.bincount(e_vis, minlength=n_v)
    vstart = seg_starts(nv)

    # ------------------------------------------------------------------ carts
    hidden = rng.normal(size=n_v)
    log_nv, log_ns = np.log(np.maximum(nv, 1)), np.log(np.maximum(v_sessions, 1))
    p_cart = sigmoid(CART_C0 + CART_VIEWS * log_nv + CART_SESS * log_ns + CART_NOISE * hidden)
    carters = np.flatnonzero(rng.random(n_v) < p_cart)
    n_carts = 1 + rng.poisson(CARTS_EXTRA_MU + 0.25 * log_nv[carters])
    c_vis = np.repeat(carters, n_carts)
    c_anchor = pick_in_segment(rng, vstart[c_vis], nv[c_vis])
    c_ts = e_ts[c_anchor] + rng.integers(5 * SECOND_MS, 3 * MINUTE_MS, len(c_vis))

    # ------------------------------------------------------------------ buyers and baskets
    p_buy = sigmoid(
        BUY_C0
        + BUY_SESS * log_ns[carters]
        + BUY_VIEWS * log_nv[carters]
        + BUY_NOISE * hidden[carters]
    )
    is_buyer = rng.random(len(carters)) < p_buy
    c_start = seg_starts(n_carts)
    # the first basket of every buyer comes from one of their carts
    b_cart = np.sort(pick_in_segment(rng, c_start[is_buyer], n_carts[is_buyer]))
    n_b = len(b_cart)
    same = rng.random(n_b) < SAME_SESSION_BUY_P
    delay = np.where(
        same,
        rng.integers(20 * SECOND_MS, 10 * MINUTE_MS, n_b),
        31 * MINUTE_MS + rng.exponential(1.5 * DAY_MS, n_b).astype(np.int64),
    )
    b_ts = c_ts[b_cart] + delay
    # baskets of planted pairs: the buyer viewed and carted item A
    if len(pairs):
        pair_share = float(np.clip(6.0 * len(pairs) / max(n_b, 1), 0.04, 0.15))
        is_pair = rng.random(n_b) < pair_share
        e_item[c_anchor[b_cart[is_pair]]] = pairs[rng.integers(0, len(pairs), is_pair.sum()), 0]
    c_item = e_item[c_anchor]
    b_vis = c_vis[b_cart]
    b_item = c_item[b_cart]
    # later baskets: a few repeat buyers and very few heavy buyers; each later purchase is
    # its own visit (view, usually a cart, then the purchase)
    # heavy buyers: a fixed share of buyers (not a random count, which would swing the totals
    # of a small dataset), buying about every HEAVY_GAP_DAYS until the end of the period
    heavy = np.zeros(n_b, dtype=bool)
    heavy[rng.permutation(n_b)[: round(HEAVY_BUYER_P * n_b)]] = True
    remaining = np.maximum(T_MAX - b_ts, 0) / (HEAVY_GAP_DAYS * DAY_MS)
    n_extra = np.where(
        heavy,
        rng.poisson(remaining),
        np.where(rng.random(n_b) < REPEAT_BUYER_P, 1 + rng.poisson(REPEAT_EXTRA_MEAN, n_b), 0),
    )
    x_b = np.repeat(np.arange(n_b), n_extra)
    x_gap = (
        rng.exponential(np.where(heavy[x_b], HEAVY_GAP_DAYS, REPEAT_GAP_DAYS) * DAY_MS).astype(
            np.int64
        )
        + 40 * MINUTE_MS
    )
    x_ts = b_ts[x_b] + seg_cumsum(x_gap, n_extra)
    x_vis = b_vis[x_b]
    x_item = cat.sample(rng, pref1[x_vis], x_ts)
    b_vis = np.concatenate([b_vis, x_vis])
    b_ts = np.concatenate([b_ts, x_ts])
    b_item = np.concatenate([b_item, x_item])
    same = np.concatenate([same, np.zeros(len(x_b), dtype=bool)])
    is_later = np.concatenate([np.zeros(n_b, dtype=bool), np.ones(len(x_b), dtype=bool)])
    b_ok = b_ts <= T_MAX - 30 * SECOND_MS
    b_vis, b_ts, b_item, same, is_later = (a[b_ok] for a in (b_vis, b_ts, b_item, same, is_later))
    n_b = len(b_vis)
    # buyers who never use the cart: all their cart events are dropped below
    skip_cart = np.zeros(n_v, dtype=bool)
    buyers = np.unique(b_vis)
    skip_cart[rng.permutation(buyers)[: round(SKIP_CART_P * len(buyers))]] = True

    # basket lines: primary item (the carted one) + extra items
    b_k = rng.choice(4, size=n_b, p=BASKET_SIZE_P) + 1
    l_b = np.repeat(np.arange(n_b), b_k)
    l_pos = seg_rank(l_b)
    l_item = np.repeat(b_item, b_k)
    l_viewed = np.ones(len(l_b), dtype=bool)
    extra = np.flatnonzero(l_pos > 0)
    from_views = rng.random(len(extra)) < EXTRA_FROM_VIEWS_P
    ev = extra[from_views]
    vv = b_vis[l_b[ev]]
    l_item[ev] = e_item[pick_in_segment(rng, vstart[vv], nv[vv])]
    en = extra[~from_views]
    l_item[en] = cat.sample(rng, cat.cat[l_item[en]], b_ts[l_b[en]])
    l_viewed[en] = False
    # one line per (basket, item)
    key = l_b * cat.n + l_item
    _, first = np.unique(key, return_index=True)
    first.sort()
    l_b, l_item, l_viewed = l_b[first], l_item[first], l_viewed[first]
    l_pos = seg_rank(l_b)
    # planted partner: when A is in a basket, B follows with probability PAIR_PARTNER_P
    partner = np.full(cat.n, -1, dtype=np.int64)
    if len(pairs):
        partner[pairs[:, 0]] = pairs[:, 1]
    pl = np.flatnonzero(partner[l_item] >= 0)
    pl = pl[np.unique(l_b[pl], return_index=True)[1]]  # first A line per basket
    b_of, partner_item = l_b[pl], partner[l_item[pl]]
    key = np.sort(l_b * cat.n + l_item)
    already = np.isin(b_of * cat.n + partner_item, key)
    add_p = ~already & (rng.random(len(pl)) < PAIR_PARTNER_P)
    pl, b_of, partner_item = pl[add_p], b_of[add_p], partner_item[add_p]
    k_now = np.bincount(l_b, minlength=n_b)
    full = k_now[b_of] >= 4
    # full baskets: overwrite a line that is not the A line (position 1, or 2 when A is at 1)
    repl_pos = np.where(l_pos[pl[full]] == 1, 2, 1)
    l_starts = seg_starts(k_now)
    l_item[l_starts[b_of[full]] + repl_pos] = partner_item[full]
    l_viewed[l_starts[b_of[full]] + repl_pos] = False
    l_b = np.concatenate([l_b, b_of[~full]])
    l_item = np.concatenate([l_item, partner_item[~full]])
    l_viewed = np.concatenate([l_viewed, np.zeros((~full).sum(), dtype=bool)])
    order = np.argsort(l_b, kind="stable")
    l_b, l_item, l_viewed = l_b[order], l_item[order], l_viewed[order]
    l_pos = seg_rank(l_b)
    n_l = len(l_b)

    # transaction events: same timestamp or within seconds of each other
    l_ts = b_ts[l_b] + np.where(
        rng.random(n_l) < 0.5, 0, l_pos * rng.integers(200, 3 * SECOND_MS, n_l)
    )
    txn_id = rng.permutation(n_b).astype(np.int64)
    l_vis = b_vis[l_b]
    # support events: re-view and re-cart before a later-session purchase, carts of extra items;
    # every later purchase has its view and (unless the buyer skips the cart) its cart
    primary = l_pos == 0
    delayed = ~same[l_b]
    later = is_later[l_b]
    sv = (primary & (later | (delayed & (rng.random(n_l) < 0.7)))) | (
        ~primary & ~l_viewed & (rng.random(n_l) < 0.45)
    )
    sc = (primary & (later | (delayed & (rng.random(n_l) < 0.5)))) | (
        ~primary & (rng.random(n_l) < 0.6)
    )
    sc &= ~skip_cart[l_vis]
    sv_ts = b_ts[l_b[sv]] - rng.integers(90 * SECOND_MS, 6 * MINUTE_MS, sv.sum())
    sc_ts = b_ts[l_b[sc]] - rng.integers(5 * SECOND_MS, 80 * SECOND_MS, sc.sum())
    keep_c = ~skip_cart[c_vis]
    c_vis, c_ts, c_item = c_vis[keep_c], c_ts[keep_c], c_item[keep_c]

    # ------------------------------------------------------------------ bots (crawler-like)
    bot_parts = []
    bot_vis = n_v + np.arange(n_bots)
    if n_bots:
        if n_visitors >= 280_000:
            bot_n = rng.integers(1000, 8000, n_bots)
        else:
            bot_n = rng.integers(420, 700, n_bots)
        bot_distinct = np.minimum(
            np.maximum((bot_n * rng.uniform(0.35, 0.75, n_bots)).astype(np.int64), 330), cat.n
        )
        bot_n = np.maximum(bot_n, bot_distinct)
        for b in range(n_bots):  # a handful of bots
            pool = rng.choice(cat.n, size=bot_distinct[b], replace=False)
            items = np.concatenate([pool, rng.choice(pool, bot_n[b] - len(pool))])
            rng.shuffle(items)
            gaps = rng.exponential(25 * SECOND_MS, bot_n[b]).astype(np.int64) + 500
            dur = int(gaps.sum())
            start = T_MIN + int(rng.integers(0, max(SPAN_MS - dur, 1)))
            ts = start + np.cumsum(gaps)
            ev = np.where(rng.random(bot_n[b]) < 0.01, ADDTOCART, VIEW)
            bot_parts.append((np.full(bot_n[b], bot_vis[b]), ts, ev, items, np.full(bot_n[b], -1)))

    # ------------------------------------------------------------------ assemble
    def block(vis, ts, ev, item, txn=None):
        n = len(vis)
        return (
            vis,
            ts,
            np.full(n, ev, dtype=np.int8) if np.isscalar(ev) else ev.astype(np.int8),
            item,
            np.full(n, -1, dtype=np.int64) if txn is None else txn,
        )

    vis, ts, ev, item, txn = _concat(
        block(e_vis, e_ts, VIEW, e_item),
        block(c_vis, c_ts, ADDTOCART, c_item),
        block(l_vis[sv], sv_ts, VIEW, l_item[sv]),
        block(l_vis[sc], sc_ts, ADDTOCART, l_item[sc]),
        block(l_vis, l_ts, TRANSACTION, l_item, txn_id[l_b]),
        *[block(*p) for p in bot_parts],
    )
    ok = (ts >= T_MIN) & (ts <= T_MAX)
    vis, ts, ev, item, txn = vis[ok], ts[ok], ev[ok], item[ok], txn[ok]
    # exact duplicate rows (~0.02 %)
    n_dup = round(len(ts) * DUPLICATE_SHARE)
    if n_dup == 0 and len(ts) >= 1000:
        n_dup = 1
    dup = rng.choice(len(ts), size=n_dup, replace=False)
    cols = (vis, ts, ev, item, txn)
    vis, ts, ev, item, txn = _concat(cols, tuple(c[dup] for c in cols))
    order = np.lexsort((txn, item, ev, vis, ts))
    visitor_ids = rng.permutation(n_visitors).astype(np.int64)
    planted = {
        "pairs": pairs,
        "groups": groups,
        "bot_visitors": np.sort(visitor_ids[bot_vis]),
    }
    return Events(
        ts=ts[order],
        visitor=visitor_ids[vis[order]],
        event=ev[order],
        item=item[order],
        txn=txn[order],
        planted=planted,
    )
