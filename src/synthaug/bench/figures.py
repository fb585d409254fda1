"""The figures of the bench report, drawn as compact inline SVG.

matplotlib's object-oriented API is used (``Figure`` directly, no pyplot), so rendering a
report never changes the user's backend. :class:`Figures` renders each figure of a page
with page-unique SVG ids (and, when asked, saves each as a standalone SVG and PDF file);
:func:`cd_figure` draws a critical-difference diagram and
:func:`box_figure` the per-metric box plots.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synthaug._io import atomic_write
from synthaug.metrics import METRICS

__all__ = ["Figures", "box_figure", "cd_figure"]


def _mpl_text(value: Any, limit: int = 40) -> str:
    """Label text for matplotlib: truncated, with ``$`` escaped so no mathtext is parsed."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("$", r"\$")


_RC = {"svg.fonttype": "none", "font.family": "sans-serif",
       "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"]}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PDF_METADATA = {"CreationDate": None, "Creator": None, "Producer": None}
_DECIMAL = re.compile(r"-?\d+\.\d+")
_GEOMETRY = re.compile(r'\s(d|x|y|width|height|transform)="([^"]*)"')


def _short_number(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _compact_svg(text: str, prefix: str) -> str:
    """Shrink matplotlib's SVG for inlining in a page.

    Drops the XML prologue, the whitespace between tags and every id nothing refers to;
    rounds coordinates to 0.01 pt; prefixes the remaining ids with ``prefix`` so several
    inline SVGs cannot clash.
    """
    text = text[text.find("<svg"):]
    text = re.sub(r">\s+<", "><", text).replace("<style type=\"text/css\">*{",
                                                  "<style type=\"text/css\">svg *{")
    text = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", text)
    text = _GEOMETRY.sub(
        lambda m: f' {m[1]}="{" ".join(_DECIMAL.sub(_short_number, m[2]).split())}"', text)
    used = set(re.findall(r'(?:href="#|url\(#)([^")]+)', text))
    text = re.sub(r'\sid="([^"]+)"',
                  lambda m: f' id="{prefix}-{m[1]}"' if m[1] in used else "", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)


def _slug(text: str) -> str:
    """A file-name-safe form of ``text``: letters, digits, ``.``, ``_`` and ``-`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "figure"


class Figures:
    """Renders the figures of one page as inline SVG with page-unique ids.

    Parameters
    ----------
    directory : Path, optional
        When given, every figure is also saved there as a standalone ``NAME.svg`` and
        ``NAME.pdf`` (the folder is created on the first figure).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.count = 0
        self.directory = directory
        self.saved: list[Path] = []

    def render(self, name: str, build: Callable[..., Figure], *args: Any) -> str:
        """Build a figure with ``build(*args)`` under the report's style; return its SVG.

        ``name`` names the standalone files (made safe for a file name, and unique within
        the page); the returned SVG is compact and has page-unique ids.
        """
        self.count += 1
        prefix = f"f{self.count}"
        buffer = io.StringIO()
        with matplotlib.rc_context({**_RC, "svg.hashsalt": prefix}):
            fig = build(*args)
            fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
            if self.directory is not None:
                self._save(fig, self.directory, f"{self.count:02d}-{_slug(name)}")
        return _compact_svg(buffer.getvalue(), prefix)

    def _save(self, fig: Figure, directory: Path, stem: str) -> None:
        """Write ``fig`` as ``stem.svg`` and ``stem.pdf`` into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        for ext, metadata in (("svg", _SVG_METADATA), ("pdf", _PDF_METADATA)):
            target = directory / f"{stem}.{ext}"
            atomic_write(target, lambda tmp, e=ext, m=metadata: fig.savefig(
                tmp, format=e, metadata=m))
            self.saved.append(target)


def cd_figure(ranks: pd.Series, cd: float, groups: list[list[str]]) -> Figure:
    """A Demšar-style critical-difference diagram; rank 1 (best) on the left."""
    names = [str(n) for n in ranks.index]
    values = ranks.to_numpy(dtype=np.float64)
    k = len(names)
    labels = [f"{_mpl_text(n)} ({v:.2f})" for n, v in zip(names, values)]
    half = math.ceil(k / 2)
    margin_in = min(4.0, 0.4 + 0.07 * max(len(s) for s in labels))
    axis_in = min(8.0, max(3.0, 0.6 * (k - 1)))
    scale = axis_in / (k - 1)  # inches per rank unit
    row_h, group_h, axis_y = 0.22, 0.12, 0.85
    first_row = axis_y + 0.2 + len(groups) * group_h + 0.1
    height_in = first_row + max(half, k - half) * row_h + 0.1
    width_in = axis_in + 2 * margin_in

    fig = Figure(figsize=(width_in, height_in))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(1 - margin_in / scale, k + margin_in / scale)
    ax.set_ylim(height_in, 0.0)  # y grows downwards, in inches

    line = {"color": "black", "linewidth": 0.9, "clip_on": False}
    ax.plot([1, k], [axis_y, axis_y], **line)
    for tick in np.arange(1.0, k + 0.01, 0.5):
        size = 0.08 if float(tick).is_integer() else 0.04
        ax.plot([tick, tick], [axis_y - size, axis_y], **line)
        if float(tick).is_integer():
            ax.text(tick, axis_y - 0.11, str(int(tick)), ha="center", va="bottom", fontsize=8)
    cd_end = min(1 + cd, float(k))
    ax.plot([1, cd_end], [0.35, 0.35], color="black", linewidth=1.5, clip_on=False)
    for x in (1, cd_end):
        ax.plot([x, x], [0.3, 0.4], color="black", linewidth=1.0, clip_on=False)
    ax.text((1 + cd_end) / 2, 0.27, f"CD = {cd:.3f}", ha="center", va="bottom", fontsize=8)

    position = dict(zip(names, values))
    for j, group in enumerate(groups):
        y = axis_y + 0.2 + j * group_h
        ax.plot([position[group[0]] - 0.02, position[group[-1]] + 0.02], [y, y],
                color="#333", linewidth=2.5, solid_capstyle="round", clip_on=False)

    left_x, right_x = 1 - 0.12 / scale, k + 0.12 / scale
    for i in range(half):  # best methods, best first, on the left
        y = first_row + i * row_h
        ax.plot([values[i], values[i], left_x], [axis_y, y, y], **line)
        ax.text(left_x - 0.04 / scale, y, labels[i], ha="right", va="center", fontsize=9)
    for i, idx in enumerate(range(k - 1, half - 1, -1)):  # worst methods, worst first
        y = first_row + i * row_h
        ax.plot([values[idx], values[idx], right_x], [axis_y, y, y], **line)
        ax.text(right_x + 0.04 / scale, y, labels[idx], ha="left", va="center", fontsize=9)
    return fig


def _box_stats(values: np.ndarray) -> tuple[float, float, float, float, float, np.ndarray]:
    """Quartiles, Tukey whiskers (most extreme values within 1.5 IQR) and outliers."""
    q1, median, q3 = np.percentile(values, [25.0, 50.0, 75.0])
    iqr = q3 - q1
    inside = values[(values >= q1 - 1.5 * iqr) & (values <= q3 + 1.5 * iqr)]
    low, high = float(inside.min()), float(inside.max())
    return float(q1), float(median), float(q3), low, high, values[(values < low) | (values > high)]


def _draw_boxes(ax: Axes, data: Sequence[np.ndarray]) -> None:
    """Horizontal box plots at y = 0, 1, ... drawn as three artists, so the SVG stays small.

    Segments are separated by NaN in one line each for outlines, medians and outliers.
    """
    nan, h = np.nan, 0.3
    xs: list[float] = []
    ys: list[float] = []
    mx: list[float] = []
    my: list[float] = []
    fx: list[float] = []
    fy: list[float] = []
    for y, values in enumerate(data):
        if not values.size:
            continue
        q1, median, q3, low, high, outliers = _box_stats(values)
        xs += [q1, q3, q3, q1, q1, nan, low, q1, nan, q3, high, nan,
               low, low, nan, high, high, nan]
        ys += [y - h, y - h, y + h, y + h, y - h, nan, y, y, nan, y, y, nan,
               y - h / 2, y + h / 2, nan, y - h / 2, y + h / 2, nan]
        mx += [median, median, nan]
        my += [y - h, y + h, nan]
        fx += outliers.tolist()
        fy += [y] * outliers.size
    ax.plot(xs, ys, color="#333333", linewidth=0.8)
    ax.plot(mx, my, color="#d95f02", linewidth=1.6)
    if fx:
        ax.plot(fx, fy, linestyle="none", marker="o", markersize=2.5, markerfacecolor="none",
                markeredgecolor="#555555", markeredgewidth=0.6)


def box_figure(agg: pd.DataFrame, metrics: Sequence[str], methods: Sequence[str]) -> Figure:
    """Horizontal box plots of the dataset-level means, one panel per metric."""
    k = len(methods)
    names = [_mpl_text(m, 30) for m in methods]
    ncols = 1 if len(metrics) == 1 else 2
    nrows = math.ceil(len(metrics) / ncols)
    label_in = 0.25 + 0.065 * max(len(n) for n in names)
    panel_w, panel_h, gap_h, top_in, bottom_in = 4.0, 0.3 + 0.25 * k, 0.65, 0.3, 0.35
    width = ncols * (label_in + panel_w) + 0.3
    height = nrows * panel_h + (nrows - 1) * gap_h + top_in + bottom_in
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    fig.subplots_adjust(left=label_in / width, right=1 - 0.3 / width,
                        bottom=bottom_in / height, top=1 - top_in / height,
                        wspace=label_in / panel_w, hspace=gap_h / panel_h)
    for ax, metric in zip(axes.flat, metrics):
        _draw_boxes(ax, [agg.loc[agg["method"] == m, metric].dropna().to_numpy(np.float64)
                         for m in methods])
        ax.set_yticks(range(k))
        ax.set_yticklabels(names, fontsize=8)
        ax.set_ylim(k - 0.5, -0.5)
        ax.tick_params(axis="x", labelsize=8)
        better = "higher" if METRICS[metric].greater_is_better else "lower"
        ax.set_title(f"{metric} ({better} is better)", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes.flat[len(metrics):]:
        ax.set_axis_off()
    return fig


# --------------------------------------------------------------------------- preparation


