"""The cost/service curve on a given Axes: the library draws, the caller shows or saves."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def plot_curve(
    points: list[dict[str, float]],
    ax: Axes | None = None,
    chosen: dict[str, float] | None = None,
    currency: str = "",
) -> Axes:
    """Fill rate (left axis) and expected backorders (right axis) against investment."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    investment = [p["investment"] for p in points]
    ax.plot(investment, [100 * p["fill_rate"] for p in points], color="tab:blue", label="fill rate")
    ax.set_xlabel(f"investment {currency}".strip())
    ax.set_ylabel("fill rate (%)", color="tab:blue")
    ax.set_ylim(0, 100)
    ax.grid(True, alpha=0.3)
    twin = ax.twinx()
    twin.plot(investment, [p["ebo"] for p in points], color="tab:red", label="expected backorders")
    twin.set_ylabel("expected backorders", color="tab:red")
    if chosen is not None:
        ax.axvline(chosen["investment"], color="grey", linestyle="--", linewidth=1)
        ax.annotate(
            f"{100 * chosen['fill_rate']:.1f} % at {chosen['investment']:,.0f}",
            (chosen["investment"], 100 * chosen["fill_rate"]),
            textcoords="offset points",
            xytext=(6, -14),
        )
    ax.set_title("Cost / service curve")
    return ax
