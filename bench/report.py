"""bench/results.md from run_bench.py's results: one page template with every figure in its
place; repeated table rows come from lists (rows()), each target row carries its check."""

from __future__ import annotations

from statistics import median as md

from dbt_runs import CORE_MARTS

STEPS = "step | >DuckDB floor min / median | >pandas min / median | >pandas / floor | dbt model(s)"
STEPS += ", median | >dbt / pandas | shared upstream, median"
SCALE = "scale | >events.csv rows | >engine floor | >`dbt build` | >build / floor | >peak memory"
LOADS = {"load_events": "event", "load_properties": "propert"}  # in staging model names


def s(x: float) -> str:
    return f"{x:.2f} s"


def mb(x: float) -> str:
    return f"{x:,.0f} MB"


def x_(a: float, b: float, sep: str = " / ") -> str:
    return f"{s(a)}{sep}{s(b)} = {a / b:.2f}×"


def mm(x: list[float], f=s, sep: str = " | ", of=(min, md)) -> str:
    """Min and median (or the functions ``of``) of the samples ``x``."""
    return sep.join(f(g(x)) for g in of)


def rows(lines) -> str:
    """Markdown table rows, one per list of cells."""
    return "\n".join(f"| {' | '.join(map(str, cells))} |" for cells in lines)


def table(header: str, lines=()) -> str:
    """A markdown table: ``header`` "a | >b" (">": right-aligned), then ``lines`` (rows)."""
    cols = [c.strip() for c in header.split("|")]
    rule = ["---:" if c[0] == ">" else "---" for c in cols]
    return rows([[c.lstrip(">") for c in cols], rule, *lines])


def met(measured: str, limit: str, ok: bool) -> str:
    return f"{measured} | {limit} | {'**yes**' if ok else '**NO**'}"


def per_rep(series) -> list[float]:
    """One sum per repetition over several figures (e.g. every floor step)."""
    return [sum(rep) for rep in zip(*series, strict=True)]


def render(r: dict) -> str:
    floor, pandas_, core, build = r["floor"], r["pandas"], r["core_run"], r["build"]
    sim, gen, m, eq = r["similarity"], r["generator"], r["machine"], r["equality"]
    nodes, marts = build["nodes"], [*CORE_MARTS]
    models = {n: v for n, v in nodes.items() if v["type"] == "model"}
    tb, tc = {n: build["seconds"][n] for n in models}, {n: md(v) for n, v in core["models"].items()}
    layer = {n: (core["nodes"][n]["path"].split("/") + ["", ""])[1] for n in tc}
    floor_t, pandas_t = md(per_rep(floor.values())), md(per_rep(pandas_.values()))
    wall, peak = md(build["wall"]), max(build["peak_mb"])
    core_t = md(per_rep(core["models"].values()))
    sql, python = ([tb[n] for n in models if models[n]["language"] == x] for x in ("sql", "python"))
    sql, python, models_sum = per_rep(sql), per_rep(python), per_rep(tb.values())
    slow, times = sorted(tb, key=lambda n: -md(tb[n])), {k: mm(v) for k, v in sim["times"].items()}
    st = {k: md(v) for k, v in sim["times"].items()}
    impl = st["implicit_matrix"] + st["implicit_fit"]
    gen_s, gen_mb = md(gen["seconds"]), max(gen["peak_mb"])
    equal = all(v.startswith("equal") for side in eq.values() for v in side.values())
    failed = sorted({n for rep in build["failed"] for n in rep})
    types = sorted({v["type"] for v in nodes.values()})
    by_type = {t: sum(v["seconds"] for v in nodes.values() if v["type"] == t) for t in types}
    tests = [n for n in nodes if nodes[n]["type"] in ("test", "unit_test")]
    tests = sorted(tests, key=lambda n: -nodes[n]["seconds"])[:5]
    full = {"fraction": 1, "events": r["files"]["events.csv"][0], "floor": floor_t, "build": wall}
    points = [*r["scale"], full | {"peak_mb": peak}]
    a, b = points[0], points[-1]

    def step(label, keys, names, detail=""):  # floor, pandas and dbt times of some steps
        f, p = per_rep([floor[k] for k in keys]), per_rep([pandas_[k] for k in keys])
        t = sum(tc[n] for n in names)
        dbt = [s(t) + detail, f"{t / md(p):.2f}×"] if names else ["", ""]
        return [label, mm(f, s, " / "), mm(p, s, " / "), f"{md(p) / md(f):.2f}×", *dbt]

    def upstream(mart):  # the intermediate models a mart reads, shared with other marts
        parents = core["nodes"].get(mart, {}).get("parents", [])
        return ", ".join(f"{s(tc[u])} ({u})" for u in parents if layer.get(u) == "intermediate")

    def vs_pandas(x):  # the mart's own time (one thread) vs the pandas step
        p, alone = md(pandas_[x]), s(md(core["sql_alone"][x]))
        return met(f"{x_(tc[x], p, ' vs ')} (its SQL alone: {alone})", "≤ 1×", tc[x] <= p)

    def scale_row(p):
        cells = [f"{p['fraction']:g}×", f"{p['events']:,}", s(p["floor"]), s(p["build"])]
        return cells + [f"{p['build'] / p['floor']:.2f}×", mb(p["peak_mb"])]

    staging = [n for n in tc if layer[n] == "staging"]
    names = {k: [n for n in staging if m in n] for k, m in LOADS.items()} | {m: [m] for m in marts}
    steps = [step(k, [k], v, f" ({' + '.join(v)})") + [upstream(k)] for k, v in names.items()]
    groups = {"load": (LOADS, staging), "5 metrics": (marts, []), "total": (names, tc)}
    steps += [step(f"**{label}**", *group) + [""] for label, group in groups.items()]
    columns = {x: ", ".join(v.split()) for x, (_, v) in CORE_MARTS.items()}
    equality = [[f"`{x}`", columns[x], eq["pandas"][x], eq["floor"][x]] for x in marts]
    per_mart = [[f"`{x}` model vs pandas step", vs_pandas(x)] for x in marts]
    fit_alone = f"fit alone: {st['project'] / st['implicit_fit']:.2f}×"
    t_sim = f"{x_(st['project'], impl, ' vs ')} ({fit_alone})"
    t_overlap = f"{sim['tie_aware']:.2%}; {sim['exact']:.2%}"
    t_equal = f"{'all equal' if equal else 'NOT equal'}; {', '.join(failed) or 'all'}"
    share = {n: f"{md(tb[n]) / md(models_sum):.0%}" for n in slow}
    slowest = [
        [f"`{n}`", models[n]["language"], models[n]["path"], mm(tb[n]), share[n]] for n in slow[:10]
    ]
    scale = [scale_row(p) for p in points]
    load = lambda x: "/".join(f"{v:.2f}" for v in x)  # noqa: E731
    return f"""# Full-scale benchmark results

Written by `make bench` (`bench/run_bench.py`) on {r["finished_at"]}, commit `{m["commit"]}`:
min and median of {r["reps"]} repetition(s) on the same data; targets judged on the median (peak
memory on the max). Do not edit by hand: the last section comes from `bench/notes.md`.

## Machine
{table("what | value")}
| CPU cores (usable) | {m["cores"]} |
| CPU | {m["cpu"]} |
| memory | {m["memory"]} |
| OS | {m["os"]} |
| load average at start (1/5/15 min) | {load(r["load_start"])} |
| load average at end (1/5/15 min) | {load(r["load_end"])} |
| 1-min load at the start and after each step ({", ".join(r["loads"])}) | \
{" → ".join(f"{x:.1f}" for x in r["loads"].values())} |
{rows(m["versions"].items())}

A load average above the 2 cores means other work ran alongside: the seconds are pessimistic,
the ratios to the engine floor (measured in the same run) move less.

## Dataset
`{gen["command"]}`, cached in `{gen["dir"]}` (key = arguments + generator source hash).

{table("file | >rows | >bytes", ([n, f"{x:,}", f"{y:,}"] for n, (x, y) in r["files"].items()))}

{r["counts"][0]:,} distinct events, {r["counts"][1]:,} visitors, {r["counts"][2]:,} items with \
events, {r["counts"][3]:,} transactions.

## Targets
{table("target | measured (median) | limit | met")}
| full `dbt build` (Python models and all tests) / engine floor (load + 5 core marts) | \
{met(x_(wall, floor_t), "≤ 8×", wall <= 8 * floor_t)} |
| models behind the five core marts (summed, one dbt thread) / engine floor | \
{met(x_(core_t, floor_t), "≤ 3×", core_t <= 3 * floor_t)} |
| … context: all SQL models of the build (summed) / engine floor | {x_(md(sql), floor_t)} | | |
{rows(per_mart)}
| … context: dbt's fixed cost per model (at most the build's fastest, `{slow[-1]}`) | \
{s(md(tb[slow[-1]]))} | | |
| … context: the five core marts end to end, staging included, vs pandas load + metrics | \
{x_(core_t, pandas_t, " vs ")} | | |
| item similarity: `top_k_cosine` vs implicit (id arrays → CSR → `fit`) | \
{met(t_sim, "≤ 1.5×", st["project"] <= 1.5 * impl)} |
| top-{sim["k"]} overlap with implicit (tie-aware; exact) | \
{met(t_overlap, "≥ 97 %", sim["tie_aware"] >= 0.97)} |
| peak memory of `dbt build` (process tree) | {met(mb(peak), "≤ 2 GB", peak <= 2048)} |
| generator time, peak memory | \
{met(f"{s(gen_s)}, {mb(gen_mb)}", "≤ 60 s, ≤ 4 GB", gen_s <= 60 and gen_mb <= 4096)} |
| pandas and floor equal the marts; every build node succeeded | \
{met(t_equal, "yes", equal and not failed)} |

## (a) Engine floor and (d) pandas baseline, step by step
Floor: plain DuckDB (typed `read_csv`, the five core marts as tables); pandas: pyarrow CSV,
sort/diff/cumsum, groupby/merge (`bench/baselines.py`). dbt: each model's own time in the
one-thread run below (staging models that load a file; the mart and, shared, what it reads).

{table(STEPS, steps)}

`dbt run --threads 1 --select {" ".join(f"+{x}" for x in marts)}` (fresh file, after an untimed \
`dbt seed`) runs the models behind the five core marts on their own: \
{", ".join(f"`{n}`" for n in sorted(tc))}.

### Equality with the marts
{table("mart | compared columns | pandas | DuckDB floor", equality)}

## (b) dbt build and (c) memory
{table("figure | >min | >median")}
| `dbt build` wall time (fresh DB file each time) | {mm(build["wall"])} |
| models only: summed execution time in the build | {mm(models_sum)} |
| … SQL models | {mm(sql)} |
| … Python models | {mm(python)} |
| models only: first start to last end in the build | {mm(build["models_span"])} |
| peak RSS of the `dbt build` process tree | {mm(build["peak_mb"], mb)} |

The models-only figures are the build's own per-node timings (no separate `dbt run`). Nodes
running when the build's memory peaked, per repetition: \
{"; ".join(", ".join(f"`{n}`" for n in at) or "n/a" for at in build["at_peak"])}.

The last build ran {len(nodes)} nodes ({len(models)} models); summed time by node type: \
{", ".join(f"{k} {v:.1f} s" for k, v in by_type.items())}
(the wall time adds dbt's start-up, parsing and the on-run-start raw-file checks).

### Slowest ten models
{table("model | language | file | >min | >median | >share of models", slowest)}

Slowest five tests: {", ".join(f"`{n}` {s(nodes[n]['seconds'])}" for n in tests)}.

## (e) Item similarity alone
Input: {sim["n_pairs"]:,} distinct (visitor, item) pairs from `{sim["input"]}` (what \
`item_similarity` reads); matrix {sim["shape"][0]:,} visitors × {sim["shape"][1]:,} items \
(≥ 2 visitors), {sim["nnz"]:,} non-zeros; k = {sim["k"]}; implicit `CosineRecommender(K=k + 1)`
(it counts the item itself) on all cores; both from the same id arrays.

{table("figure | >min | >median")}
| `top_k_cosine` (production: ≥ 2 common visitors) | {times["project"]} |
| `top_k_cosine(min_common_visitors=1)` (implicit's definition) | {times["project_min_common_1"]} |
| implicit: build the CSR matrix from the id arrays | {times["implicit_matrix"]} |
| implicit: `CosineRecommender.fit` | {times["implicit_fit"]} |
| implicit: matrix + fit | | {s(impl)} |

Overlap of the top-{sim["k"]} lists (same definition, {sim["n_neighbours"]:,} neighbour pairs \
over {sim["n_items"]:,} items): {sim["exact"]:.2%} exact, {sim["tie_aware"]:.2%} counting a \
neighbour that ties implicit's last kept similarity (implicit breaks ties arbitrarily, the project
by item id). The `item_similarity` model took {s(md(tb["item_similarity"]))} in the build (median).

## (f) Generator
{table("figure | >min | >median | >max")}
| wall time | {mm(gen["seconds"], of=(min, md, max))} |
| peak RSS (process tree) | {mm(gen["peak_mb"], mb, of=(min, md, max))} |

## Scale series
The floor and the full `dbt build` (once each) at fractions of the visitors; 1×: the medians above.

{table(SCALE, scale)}

From {a["fraction"]:g}× to 1× the events grow {b["events"] / a["events"]:.1f}×, the build time \
{b["build"] / a["build"]:.1f}×, the floor {b["floor"] / a["floor"]:.1f}× and the peak memory \
{b["peak_mb"] / a["peak_mb"]:.1f}×.

## What was changed to get there
{r["notes"].strip()}
"""
