"""A study's report: the KPI table side by side with differences, and plots, as Markdown and HTML.

Plots (matplotlib, PNG beside the report): on-time response per day, backlog
per day, utilisation per engineer, and the cost-service frontier (cost per job
against on-time response, one point per variant). Plot functions draw on a
given Axes and return it; only :func:`write_report` saves files.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenarios.study.results import DayFigures, VariantResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from scenarios.study.scenario_file import Study

#: (key, label, whether more is better; None: neither)
ROWS: tuple[tuple[str, str, bool | None], ...] = (
    ("on_time_pct", "on-time response %", True),
    ("first_time_fix_pct", "first-time fix %", True),
    ("repair_hours_mean", "time to repair, mean h", False),
    ("repair_hours_p95", "time to repair, p95 h", False),
    ("backlog_end", "backlog at the end", False),
    ("utilisation_pct", "engineer utilisation %", None),
    ("overtime_hours", "overtime h", False),
    ("km", "km travelled", False),
    ("stock_investment", "stock investment", False),
    ("depot_fill_pct", "depot fill rate %", True),
    ("cost_per_job", "cost per job", False),
    ("jobs_done", "jobs done", True),
    ("engineers", "engineers", None),
    ("pm_compliance_pct", "preventive visits within tolerance %", True),
    ("off_hours_on_time_pct", "7x24 emergencies off hours on time %", True),
    ("weekend_on_time_pct", "7x24 emergencies at weekends on time %", True),
    ("callouts", "call-outs", None),
    ("on_call_hours", "on-call work h", None),
    ("workload_spread_h", "workload spread (max - min) h", False),
    ("workload_cv_pct", "workload variation %", False),
)
LEVELS = ("emergency", "normal", "follow_up", "preventive", "installation")


def table_rows(results: list[VariantResult]) -> list[list[str]]:
    """Header and rows: each figure for the baseline and each variant with its difference."""
    base = results[0].kpis
    rows = [["figure", *(r.name for r in results)]]
    keys: list[tuple[str, str, bool | None]] = list(ROWS)
    keys += [(f"on_time_by.{lvl}", f"on-time {lvl.replace('_', '-')} %", True) for lvl in LEVELS]
    for key, label, _better in keys:
        row = [label]
        for i, r in enumerate(results):
            value = _get(r.kpis, key)
            cell = "–" if value is None else _fmt(value)
            ref = _get(base, key)
            if i and value is not None and ref is not None and value != ref:
                cell += f" ({'+' if value > ref else ''}{_fmt(value - ref)})"
            row.append(cell)
        rows.append(row)
    return rows


def _get(kpis: dict[str, Any], key: str) -> Any:
    if key.startswith("on_time_by."):
        return kpis["on_time_by"].get(key.split(".", 1)[1])
    return kpis.get(key)


def _fmt(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def plot_on_time(results: list[VariantResult], ax: Axes) -> Axes:
    for r in results:
        pct = [100.0 * d.on_time / d.due if d.due else float("nan") for d in r.days]
        ax.plot([d.day for d in r.days], pct, marker="o", ms=3, label=r.name)
    ax.set(
        xlabel="working day", ylabel="on-time response %", title="Jobs due that day reached in time"
    )
    ax.legend(fontsize=8)
    return ax


def plot_backlog(results: list[VariantResult], ax: Axes) -> Axes:
    for r in results:
        ax.plot(
            [d.day for d in r.days], [d.backlog for d in r.days], marker="o", ms=3, label=r.name
        )
    ax.set(xlabel="working day", ylabel="open jobs", title="Backlog at the end of each day")
    ax.legend(fontsize=8)
    return ax


def plot_utilisation(results: list[VariantResult], ax: Axes) -> Axes:
    data = [sorted(r.utilisation.values()) for r in results]
    ax.boxplot(data, tick_labels=[r.name for r in results])
    ax.set(
        ylabel="utilisation %", title="Utilisation per engineer (service and driving over shift)"
    )
    ax.tick_params(axis="x", labelrotation=20, labelsize=8)
    return ax


def plot_frontier(results: list[VariantResult], ax: Axes) -> Axes:
    for r in results:
        x, y = r.kpis["cost_per_job"], r.kpis["on_time_pct"]
        if x is None or y is None:
            continue
        ax.scatter([x], [y], s=40)
        ax.annotate(r.name, (x, y), textcoords="offset points", xytext=(5, 4), fontsize=8)
    ax.set(
        xlabel="cost per job", ylabel="on-time response %", title="Cost and service across variants"
    )
    return ax


PLOTS = (
    ("on-time.png", plot_on_time),
    ("backlog.png", plot_backlog),
    ("utilisation.png", plot_utilisation),
    ("frontier.png", plot_frontier),
)


def write_report(study: Study, results: list[VariantResult], folder: str | Path) -> Path:
    """Write report.md, report.html, the plots and results.json into ``folder``; the HTML's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, draw in PLOTS:
        (folder / name).write_bytes(_png(draw, results))
    rows = table_rows(results)
    intro = f"{study.days} working days from {results[0].days[0].date if results[0].days else '-'}, seed {study.seed}, {len(results)} variants."
    md = [
        f"# {study.name}",
        "",
        intro,
        "",
        markdown_table(rows),
        "",
        "Differences in brackets are against the baseline.",
        "",
    ]
    md += [f"![{name}]({name})" for name, _ in PLOTS]
    depots = sorted({d for r in results for d in r.depot_fill})
    if depots:
        md += [
            "",
            "## Depot fill rate %",
            "",
            "| depot | " + " | ".join(r.name for r in results) + " |",
            "|" + " --- |" * (len(results) + 1),
        ]
        md += [
            f"| {d} | "
            + " | ".join(_fmt(r.depot_fill[d]) if d in r.depot_fill else "closed" for r in results)
            + " |"
            for d in depots
        ]
    md += ["", "## Checks", ""]
    for r in results:
        c, j = r.conservation, r.jobs
        md.append(
            f"- {r.name}: parts {c['initial']} + {c['received']} received = {c['consumed']} used + {c['on_hand']} on hand + {c['in_transit']} in transit; "
            f"jobs {j['arrived']} arrived = {j['done']} done + {j['backlog']} open + {j['cancelled']} cancelled; {r.seconds:.0f} s"
        )
    (folder / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    out = folder / "report.html"
    out.write_text(report_html(study, results, {name: name for name, _ in PLOTS}), encoding="utf-8")
    (folder / "results.json").write_text(
        json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8"
    )
    return out


def report_html(
    study: Study, results: list[VariantResult], images: dict[str, str] | None = None
) -> str:
    """The report as one HTML page; ``images`` maps each plot to its src (files, or embedded
    ``data:`` PNGs when None, so the page stands alone)."""
    if images is None:
        images = {
            name: "data:image/png;base64," + base64.b64encode(_png(draw, results)).decode()
            for name, draw in PLOTS
        }
    rows = table_rows(results)
    intro = f"{study.days} working days from {results[0].days[0].date if results[0].days else '-'}, seed {study.seed}, {len(results)} variants."
    table = "".join(
        "<tr>"
        + "".join(
            f"<{'th' if i == 0 or k == 0 else 'td'}>{html.escape(cell)}</{'th' if i == 0 or k == 0 else 'td'}>"
            for k, cell in enumerate(row)
        )
        + "</tr>"
        for i, row in enumerate(rows)
    )
    pictures = "".join(f'<img src="{images[name]}" alt="{name[:-4]}">' for name, _ in PLOTS)
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(study.name)}</title>"
        "<style>body{font:15px system-ui,sans-serif;margin:16px;color:#1d2430}table{border-collapse:collapse}"
        "th,td{border-bottom:1px solid #d9dee7;padding:4px 10px;text-align:right}tr>th:first-child{text-align:left}"
        "img{max-width:100%;display:block;margin:12px 0}.wrap{overflow-x:auto}</style>"
        f"<h1>{html.escape(study.name)}</h1><p>{html.escape(intro)}</p><div class=wrap><table>{table}</table></div>"
        f"<p>Differences in brackets are against the baseline.</p>{pictures}</html>"
    )


def _png(draw: Any, results: list[VariantResult]) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.2))
    draw(results, ax)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def results_from_json(data: list[dict[str, Any]]) -> list[VariantResult]:
    """Variant results back from their stored JSON form (``results.json``, a study run)."""
    return [VariantResult(**{**r, "days": [DayFigures(**d) for d in r["days"]]}) for r in data]
