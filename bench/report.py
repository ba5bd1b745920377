"""Render bench/results.md from run_bench.py's results: a fixed page (TEMPLATE) whose tables
are built from lists of rows; every target row carries its limit and check."""

from __future__ import annotations

from statistics import median as md

from dbt_runs import CORE_MARTS

LOAD_MATCH = {"load_events": "event", "load_properties": "propert"}  # in staging model names
TEMPLATE = """# Full-scale benchmark results

Written by `make bench` (`bench/run_bench.py`) on {finished_at}, commit `{commit}`: min and
median of {reps} repetition(s) on the same data; targets judged on the median (peak memory on
the max). Do not edit by hand: the last section comes from `bench/notes.md`.

## Machine

{machine}

A load average above the 2 cores means other work ran alongside: the seconds are
pessimistic; the ratios to the engine floor, measured in the same run, move less.

## Dataset

`{command}`, cached in `{dir}` (key = arguments + generator source hash).

{files}

{counts[0]:,} distinct events, {counts[1]:,} visitors, {counts[2]:,} items with events,
{counts[3]:,} transactions.

## Targets

{targets}

## (a) Engine floor and (d) pandas baseline, step by step

Floor: plain DuckDB into a fresh file (typed `read_csv`, then the five core marts as tables);
pandas: pyarrow `read_csv`, sort/diff/cumsum, groupby/merge (`bench/baselines.py`). dbt: each
model's own time in the one-thread core-marts run (staging models that load the file, the
mart, and as context the intermediate models it reads, shared by many marts).

{steps}

`dbt run --threads 1 --select {select}` (fresh file, after an untimed `dbt seed`) runs the
models behind the five core marts on their own: {core_models}.

### Equality with the marts

{equality}

## (b) dbt build and (c) memory

{build}

Nodes running when the build's memory peaked, per repetition: {at_peak}.

The last build ran {n_nodes} nodes ({n_models} models); summed time by node type: {by_type}
(the wall time adds dbt's start-up, parsing and the on-run-start raw-file checks).

### Slowest ten models

{slowest}

The fastest model, `{fastest}`, took {fastest_t}: an upper bound of the fixed cost dbt adds to
every model (create, rename, drop, commit).

Slowest five tests: {tests}.

## (e) Item similarity alone

Input: {sim[n_pairs]:,} distinct (visitor, item) pairs from `{sim[input]}` (what
`item_similarity` reads); matrix {sim[shape][0]:,} visitors × {sim[shape][1]:,} items (≥ 2
visitors), {sim[nnz]:,} non-zeros; k = {sim[k]}. implicit `CosineRecommender(K=k + 1)` (it
counts the item itself) on all cores; `top_k_cosine` from the id arrays.

{similarity}

Overlap of the top-{sim[k]} lists (same definition, {sim[n_neighbours]:,} neighbour pairs over
{sim[n_items]:,} items): {sim[exact]:.2%} exact, {sim[tie_aware]:.2%} counting a neighbour that ties
implicit's last kept similarity as matched (implicit breaks ties arbitrarily, the project by
item id). In the dbt build, the `item_similarity` model took {sim_model} (median).

## (f) Generator

{generator}

## Scale series

The floor and the full `dbt build` (one repetition each) on datasets generated with a
fraction of the visitors; the 1× row is the medians above.

{scale}

{growth}

## What was changed to get there

{notes}
"""
SIM_ROWS = {
    "project": "`top_k_cosine` (production: ≥ 2 common visitors)",
    "project_min_common_1": "`top_k_cosine(min_common_visitors=1)` (implicit's definition)",
    "implicit_matrix": "implicit: build the CSR matrix from the id arrays",
    "implicit_fit": "implicit: `CosineRecommender.fit`",
}


def s(x: float) -> str:
    return f"{x:.2f} s"


def mb(x: float) -> str:
    return f"{x:,.0f} MB"


def mm(x: list[float], sep: str = " | ", f=s) -> str:
    return f"{f(min(x))}{sep}{f(md(x))}"


def row(*cells) -> str:
    return " | ".join(str(c) for c in cells)


def reps_sum(series) -> list[float]:
    """One sum per repetition over several figures (e.g. every floor step)."""
    return [sum(rep) for rep in zip(*series, strict=True)]


def x_(a: float, b: float) -> str:
    return f"{a / b:.2f}×"


def target(what: str, measured: str, limit: str = "", ok: bool | None = None) -> str:
    return row(what, measured, limit, "" if ok is None else "**yes**" if ok else "**NO**")


def table(header: str, rows) -> str:
    """``header`` is "a | b"; a column whose name starts with ">" is right-aligned."""
    cols = [c.strip() for c in header.split("|")]
    rule = " | ".join("---:" if c.startswith(">") else "---" for c in cols)
    head = f"| {' | '.join(c.lstrip('>') for c in cols)} |\n| {rule} |\n"
    return head + "\n".join(f"| {r} |" for r in rows)


# fmt: off
def render(r: dict) -> str:  # the tables are laid out by hand, one row per line
    floor, pandas_, core, build = r["floor"], r["pandas"], r["core_run"], r["build"]
    sim, gen, m, eq = r["similarity"], r["generator"], r["machine"], r["equality"]
    nodes, cnodes, marts = build["nodes"], core["nodes"], list(CORE_MARTS)
    models = {n: v for n, v in nodes.items() if v["type"] == "model"}
    tb, tc = {n: build["seconds"][n] for n in models}, {n: md(v) for n, v in core["models"].items()}
    layer = {n: (v["path"].split("/") + ["", ""])[1] for n, v in cnodes.items()}
    staging = [n for n in cnodes if layer[n] == "staging"]
    floor_t, pandas_t = md(reps_sum(floor.values())), md(reps_sum(pandas_.values()))
    core_t, wall = md(reps_sum(core["models"].values())), md(build["wall"])
    peak = max(build["peak_mb"])
    lang = {x: md(reps_sum([tb[n] for n in models if models[n]["language"] == x]))
            for x in ("sql", "python")}
    st = {k: md(v) for k, v in sim["times"].items()}
    impl, fastest = st["implicit_matrix"] + st["implicit_fit"], min(tc, key=tc.get)
    gen_s, gen_mb = md(gen["seconds"]), max(gen["peak_mb"])
    equal = all(v.startswith("equal") for side in eq.values() for v in side.values())
    ratio = lambda a, b: f"{s(a)} / {s(b)} = {x_(a, b)}"  # noqa: E731
    versus = lambda a, b: f"{s(a)} vs {s(b)} = {x_(a, b)}"  # noqa: E731

    targets = [
        target("full `dbt build` (Python models and all tests) / engine floor (load + 5 core "
               "marts)", ratio(wall, floor_t), "≤ 8×", wall <= 8 * floor_t),
        target("models behind the five core marts (summed, one dbt thread) / engine floor",
               ratio(core_t, floor_t), "≤ 3×", core_t <= 3 * floor_t),
        target("… context: all SQL models of the build (summed) / engine floor",
               ratio(lang["sql"], floor_t)),
        *(target(f"`{x}` model vs pandas step", versus(tc[x], md(pandas_[x]))
                 + f" (its SQL alone: {s(md(core['sql_alone'][x]))})", "≤ 1×",
                 tc[x] <= md(pandas_[x])) for x in marts),
        target(f"… context: dbt's fixed cost per model (the fastest, `{fastest}`)", s(tc[fastest])),
        target("… context: the five core marts end to end, staging included, vs pandas load + "
               "metrics", versus(core_t, pandas_t)),
        target("item similarity: `top_k_cosine` vs implicit (id arrays → CSR → `fit`)",
               versus(st["project"], impl)
               + f" (fit alone: {x_(st['project'], st['implicit_fit'])})",
               "≤ 1.5×", st["project"] <= 1.5 * impl),
        target(f"top-{sim['k']} overlap with implicit (tie-aware; exact)",
               f"{sim['tie_aware']:.2%}; {sim['exact']:.2%}", "≥ 97 %", sim["tie_aware"] >= 0.97),
        target("peak memory of `dbt build` (process tree)", mb(peak), "≤ 2 GB", peak <= 2048),
        target("generator time, peak memory", f"{s(gen_s)}, {mb(gen_mb)}", "≤ 60 s, ≤ 4 GB",
               gen_s <= 60 and gen_mb <= 4096),
        target("pandas and floor equal the marts; every build node succeeded",
               f"{'all equal' if equal else 'NOT equal'}; {', '.join(build['failed']) or 'all'}",
               "yes", equal and not build["failed"]),
    ]
    steps = []
    for step in [*LOAD_MATCH, *marts]:
        names = [n for n in staging if LOAD_MATCH[step] in n] if step in LOAD_MATCH else [step]
        t, p, f = sum(tc[n] for n in names), md(pandas_[step]), md(floor[step])
        parents = cnodes.get(step, {}).get("parents", [])
        ups = ", ".join(f"{s(tc[u])} ({u})" for u in parents if layer.get(u) == "intermediate")
        steps.append(row(step, mm(floor[step], " / "), mm(pandas_[step], " / "), x_(p, f),
                         f"{s(t)} ({' + '.join(names)})", x_(t, p), ups))
    groups = {"load": (list(LOAD_MATCH), staging), "5 metrics": (marts, []),
              "total": ([*LOAD_MATCH, *marts], cnodes)}
    for label, (group, names) in groups.items():
        f, p = reps_sum([floor[x] for x in group]), reps_sum([pandas_[x] for x in group])
        t = sum(tc[n] for n in names)
        dbt = [s(t), x_(t, md(p))] if names else ["", ""]
        steps.append(row(f"**{label}**", mm(f, " / "), mm(p, " / "), x_(md(p), md(f)), *dbt, ""))

    by_type: dict[str, float] = {}
    for v in nodes.values():
        by_type[v["type"]] = by_type.get(v["type"], 0.0) + v["seconds"]
    slow, models_sum = sorted(tb, key=lambda n: -md(tb[n])), reps_sum(tb.values())
    spans = [v["span"] for v in models.values() if v["span"][0]]
    tests = sorted((n for n in nodes if nodes[n]["type"] in ("test", "unit_test")),
                   key=lambda n: -nodes[n]["seconds"])[:5]
    full = {"fraction": 1, "events": r["files"]["events.csv"][0], "floor": floor_t, "build": wall}
    scale = [*r["scale"], {**full, "peak_mb": peak}]
    a, b = scale[0], scale[-1]
    load = lambda x: "/".join(f"{v:.2f}" for v in x)  # noqa: E731
    values = {
        "machine": table("what | value", [
            row("CPU cores (usable)", m["cores"]), row("CPU", m["cpu"]),
            row("memory", m["memory"]), row("OS", m["os"]),
            row("load average at start (1/5/15 min)", load(r["load_start"])),
            row("load average at end (1/5/15 min)", load(r["load_end"])),
            row(f"1-min load at the start and after each step ({', '.join(r['loads'])})",
                " → ".join(f"{x:.1f}" for x in r["loads"].values())),
            *(row(k, v) for k, v in m["versions"].items())]),
        "files": table("file | >rows | >bytes",
                       (row(n, f"{x:,}", f"{y:,}") for n, (x, y) in r["files"].items())),
        "targets": table("target | measured (median) | limit | met", targets),
        "steps": table("step | >DuckDB floor min / median | >pandas min / median | >pandas / floor"
                       " | dbt model(s), median | >dbt / pandas | shared upstream, median", steps),
        "select": " ".join(f"+{x}" for x in marts),
        "core_models": ", ".join(f"`{n}`" for n in sorted(cnodes)),
        "equality": table("mart | compared columns | pandas | DuckDB floor", (
            row(f"`{x}`", ", ".join(v), eq["pandas"][x], eq["floor"][x])
            for x, (_, v) in CORE_MARTS.items())),
        "build": table("figure | >min | >median", [
            row("`dbt build` wall time (fresh DB file each time)", mm(build["wall"])),
            row("`dbt run` wall time (models only, after an untimed `dbt seed`)",
                mm(r["run"]["wall"])),
            row("models, summed execution time", mm(models_sum)),
            row("… SQL models", "", s(lang["sql"])),
            row("… Python models", "", s(lang["python"])),
            row("models, first start to last end (last build)", "",
                s(max(e for _, e in spans) - min(x for x, _ in spans))),
            row("peak RSS of the `dbt build` process tree", mm(build["peak_mb"], f=mb)),
            row("peak RSS of `dbt run`", mm(r["run"]["peak_mb"], f=mb))]),
        "at_peak": "; ".join(", ".join(f"`{n}`" for n in at) or "n/a" for at in build["at_peak"]),
        "n_nodes": len(nodes),
        "n_models": len(models),
        "by_type": ", ".join(f"{k} {v:.1f} s" for k, v in sorted(by_type.items())),
        "slowest": table("model | language | file | >min | >median | >share of models", (
            row(f"`{n}`", models[n]["language"], models[n]["path"], mm(tb[n]),
                f"{md(tb[n]) / md(models_sum):.0%}") for n in slow[:10])),
        "fastest": slow[-1],
        "fastest_t": s(md(tb[slow[-1]])),
        "tests": ", ".join(f"`{n}` {s(nodes[n]['seconds'])}" for n in tests),
        "similarity": table("figure | >min | >median", [
            *(row(label, mm(sim["times"][k])) for k, label in SIM_ROWS.items()),
            row("implicit: matrix + fit", "", s(impl))]),
        "sim_model": s(md(tb["item_similarity"])),
        "generator": table("figure | >min | >median | >max", [
            row("wall time", *(s(f(gen["seconds"])) for f in (min, md, max))),
            row("peak RSS (process tree)", *(mb(f(gen["peak_mb"])) for f in (min, md, max)))]),
        "scale": table("scale | >events.csv rows | >engine floor | >`dbt build` | >build / floor"
                       " | >peak memory", (
            row(f"{p['fraction']:g}×", f"{p['events']:,}", s(p["floor"]), s(p["build"]),
                x_(p["build"], p["floor"]), mb(p["peak_mb"])) for p in scale)),
        "growth": f"From {a['fraction']:g}× to 1× the events grow {b['events'] / a['events']:.1f}×,"
                  f" the build time {b['build'] / a['build']:.1f}×, the floor "
                  f"{b['floor'] / a['floor']:.1f}× and the peak memory "
                  f"{b['peak_mb'] / a['peak_mb']:.1f}×.",
        "notes": r["notes"].strip(),
    }
    return TEMPLATE.format_map({**r, **m, **gen, "sim": sim, **values})
# fmt: on
