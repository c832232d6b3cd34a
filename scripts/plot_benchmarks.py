#!/usr/bin/env python3
"""Draws the benchmark charts from the CSV files in docs/benchmarks/ (PNGs written beside them).

    .tools/venv/bin/python scripts/plot_benchmarks.py [DIR]

DIR defaults to docs/benchmarks/ in this repository. A CSV that is absent is skipped:
  receiver-load.csv  receiver,concurrency,requests,seconds,throughput_rps,p50_ms,p99_ms,cpu_ms_per_request
                     -> receiver-latency.png, receiver-throughput.png
  api-calls-*.csv    scenario,ours,baseline (one file per benchmark, rows put together)
                     -> api-calls.png
The output is deterministic: the same CSV gives the same PNG bytes (no timestamp or version
in the file's metadata).
"""
import csv
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator, ScalarFormatter  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOAD_COLUMNS = ["receiver", "concurrency", "requests", "seconds", "throughput_rps", "p50_ms", "p99_ms", "cpu_ms_per_request"]
API_COLUMNS = ["scenario", "ours", "baseline"]
RECEIVER_NAMES = {"rust": "Rust", "node": "Node.js"}
# Wide ranges are easier to read on a log axis.
LOG_RANGE = 100

plt.rcParams.update({
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs on every machine
    "figure.figsize": (8, 5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "plot_benchmarks",
})


def read_csv(path, columns):
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if header != columns:
            sys.exit(f"{path}: expected header {','.join(columns)}, found {','.join(header)}")
        rows = [{k.strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    rows = [r for r in rows if any(r.values())]
    if not rows:
        sys.exit(f"{path}: no data rows")
    return rows


def number(path, row, column):
    try:
        return float(row[column])
    except ValueError:
        sys.exit(f"{path}: {column} is not a number in row {row}")


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {path}")


def wide_range(values):
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) / min(positive) > LOG_RANGE


def plain_number(value, _position=None):
    """Tick labels as 0.1, 1, 10, 1,000 rather than powers of ten."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def log_y_axis(ax, label):
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(plain_number))
    ax.set_ylabel(f"{label} (log scale)")


def log2_concurrency_axis(ax, levels):
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(FixedLocator(levels))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("Concurrent requests (log scale)")


def plot_receiver_load(path):
    rows = read_csv(path, LOAD_COLUMNS)
    series = {}
    for row in rows:
        point = {c: number(path, row, c) for c in LOAD_COLUMNS[1:]}
        points = series.setdefault(row["receiver"], {})
        if point["concurrency"] in points:
            sys.exit(f"{path}: receiver {row['receiver']} has concurrency {point['concurrency']:g} twice")
        points[point["concurrency"]] = point
    receivers = sorted(series)
    levels = sorted({c for points in series.values() for c in points})
    colors = {r: f"C{i}" for i, r in enumerate(receivers)}

    def name(receiver):
        return RECEIVER_NAMES.get(receiver, receiver)

    # Latency: p50 solid, p99 dashed, one colour per receiver.
    fig, ax = plt.subplots()
    latencies = []
    for receiver in receivers:
        points = [series[receiver][c] for c in sorted(series[receiver])]
        xs = [p["concurrency"] for p in points]
        for column, label, style, marker in (("p50_ms", "median (p50)", "-", "o"), ("p99_ms", "p99", "--", "s")):
            ys = [p[column] for p in points]
            latencies += ys
            ax.plot(xs, ys, linestyle=style, marker=marker, color=colors[receiver], label=f"{name(receiver)}, {label}")
    log2_concurrency_axis(ax, levels)
    if wide_range(latencies):
        log_y_axis(ax, "Response time, milliseconds")
    else:
        ax.set_ylim(bottom=0)
        ax.set_ylabel("Response time, milliseconds")
    ax.set_title("Webhook receiver response time under load (lower is better)")
    ax.legend()
    save(fig, path.with_name("receiver-latency.png"))

    # Throughput.
    fig, ax = plt.subplots()
    for receiver in receivers:
        points = [series[receiver][c] for c in sorted(series[receiver])]
        ax.plot([p["concurrency"] for p in points], [p["throughput_rps"] for p in points],
                marker="o", color=colors[receiver], label=name(receiver))
    log2_concurrency_axis(ax, levels)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Requests handled per second")
    ax.set_title("Webhook receiver throughput (higher is better)")
    ax.legend()
    save(fig, path.with_name("receiver-throughput.png"))


def plot_api_calls(paths):
    rows = [row for path in paths for row in read_csv(path, API_COLUMNS)]
    path = paths[0]
    scenarios = [r["scenario"] for r in rows]
    ours = [number(path, r, "ours") for r in rows]
    baseline = [number(path, r, "baseline") for r in rows]
    log = wide_range(ours + baseline)

    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(rows) + 2), 5.5))
    width = 0.38
    xs = range(len(rows))
    for offset, values, label, color in ((-width / 2, ours, "This integration", "C0"),
                                         (width / 2, baseline, "Baseline", "C7")):
        positions = [x + offset for x in xs]
        bars = ax.bar(positions, values, width, label=label, color=color)
        texts = [f"{v:,.0f}" if v == int(v) else f"{v:,.1f}" for v in values]
        # A bar of height 0 has no top to label (and none at all on a log axis): write it on the baseline.
        ax.bar_label(bars, labels=[t if v > 0 else "" for t, v in zip(texts, values)], padding=2, fontsize=9)
        for position, text, value in zip(positions, texts, values):
            if value <= 0:
                ax.annotate(text, (position, 0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                            textcoords="offset points", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([textwrap.fill(s, 18) for s in scenarios])
    ax.xaxis.grid(False)
    # Room above the tallest bar for its label.
    top = max(ours + baseline)
    if log:
        log_y_axis(ax, "HubSpot API calls")
        ax.set_ylim(min(v for v in ours + baseline if v > 0) / 2, top * 3)
    else:
        ax.set_ylabel("HubSpot API calls")
        ax.set_ylim(0, top * 1.12 if top > 0 else 1)
    ax.set_title("HubSpot API calls per scenario (fewer is better)")
    ax.legend()
    save(fig, path.with_name("api-calls.png"))


def main():
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "benchmarks"
    plotted = 0
    load = directory / "receiver-load.csv"
    if load.is_file():
        plot_receiver_load(load)
        plotted += 1
    else:
        print(f"skipped {load}: not found")
    calls = sorted(directory.glob("api-calls-*.csv"))
    if calls:
        plot_api_calls(calls)
        plotted += 1
    else:
        print(f"skipped api-calls-*.csv in {directory}: none found")
    if plotted == 0:
        print(f"no benchmark CSV in {directory}")


if __name__ == "__main__":
    main()
