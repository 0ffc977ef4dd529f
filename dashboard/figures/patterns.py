"""Figures of the pattern analysis: plain functions DataFrame -> go.Figure, for page and packet.

Inputs are the frames of `core.patterns.find_patterns`: `comparisons` (one row per group and sign)
and `differences` (one row per session with its local baselines). No Streamlit here. Client codes
and tags are the therapist's own strings: they are HTML-escaped wherever plotly would read tags.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.patterns import BAND_KEYS, LOAD_KEYS, WEEKDAYS, describe_group
from core.schema import SIGNS
from dashboard.figures.style import GRID, QUIET_COLOUR, RECURRING_COLOUR, SIGN_COLOURS, base_layout

KIND_NAMES = {
    "client": "client",
    "scenario": "tag",
    "weekday": "weekday",
    "time_of_day": "time",
    "position": "position",
    "load": "day load",
    "back_to_back": "break",
}


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    axis = {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID}
    margin = {"l": 10, "r": 10, "t": 50, "b": 40}
    return base_layout(fig, title, height, margin=margin, xaxis=axis, yaxis=axis)


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 14}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, 220)


def _wrap(text: str, width: int = 16) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(escape(line) for line in lines)


def group_label(kind: str, key: str) -> str:
    """A short axis label for a group, e.g. 'client C-07' or 'time: late afternoon' (escaped)."""
    if kind == "client":
        return f"client {escape(key)}"
    if kind == "back_to_back":
        return "back-to-back"
    return f"{KIND_NAMES.get(kind, kind)}: {escape(key)}"


def effects_figure(comparisons: pd.DataFrame, sign: str, *, top: int = 15) -> go.Figure:
    """Dot-and-interval chart for one sign: the largest effects, recurring ones in red (the
    interval is the comparison's 95% interval, called its likely range on screen)."""
    title = f"{sign.capitalize()}: difference from your usual (points, with its likely range)"
    rows = comparisons[comparisons["sign"] == sign]
    if rows.empty:
        return _empty(title, "Nothing to compare yet.")
    # Every recurring comparison, then the largest of the rest, up to `top` rows.
    ranked = rows.sort_values(["recurring", "effect"], ascending=[False, False], kind="stable")
    chosen = ranked.head(max(top, int(rows["recurring"].sum())))
    chosen = chosen.sort_values("effect", kind="stable")  # plotly draws the first row at the bottom
    labels = [group_label(k, v) for k, v in zip(chosen["kind"], chosen["key"], strict=True)]
    colours = [RECURRING_COLOUR if r else QUIET_COLOUR for r in chosen["recurring"]]
    hover = [
        f"{escape(describe_group(k, v))}<br>{e:+.1f} points (likely {lo:+.1f} to {hi:+.1f})<br>"
        f"{n} sessions, {a} above your usual" + ("<br><b>recurring</b>" if r else "")
        for k, v, e, lo, hi, n, a, r in zip(
            chosen["kind"],
            chosen["key"],
            chosen["effect"],
            chosen["ci_low"],
            chosen["ci_high"],
            chosen["n"],
            chosen["n_above"],
            chosen["recurring"],
            strict=True,
        )
    ]
    fig = go.Figure(
        go.Scatter(
            x=chosen["effect"],
            y=labels,
            mode="markers",
            marker={"color": colours, "size": 10},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": chosen["ci_high"] - chosen["effect"],
                "arrayminus": chosen["effect"] - chosen["ci_low"],
                "color": "#95a5a6",
                "thickness": 2,
            },
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line={"color": "#2c3e50", "width": 1, "dash": "dot"})
    fig.update_xaxes(title={"text": "points above (+) or below (−) your usual"}, zeroline=False)
    fig.update_yaxes(type="category", automargin=True)
    return _layout(fig, title, 120 + 28 * len(chosen))


def scenario_figure(comparisons: pd.DataFrame) -> go.Figure:
    """Scenario breakdown: each tag's effect on every sign, with its 95% interval."""
    title = "Scenario tags: difference from your usual (points, with its likely range)"
    rows = comparisons[comparisons["kind"] == "scenario"]
    if rows.empty:
        return _empty(title, "No scenario tag has 3 or more sessions yet.")
    tags = sorted(rows["key"].unique())
    shown = [escape(tag) for tag in tags]  # plotly reads <b>, <a href> … in labels: escape tags
    fig = go.Figure()
    for sign in SIGNS:
        part = rows[rows["sign"] == sign].set_index("key").reindex(tags)
        fig.add_trace(
            go.Bar(
                name=sign,
                x=shown,
                y=part["effect"],
                marker={"color": SIGN_COLOURS[sign]},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": part["ci_high"] - part["effect"],
                    "arrayminus": part["effect"] - part["ci_low"],
                },
                customdata=np.stack([part["n"], part["n_above"]], axis=1),
                hovertemplate=(
                    f"{sign}: %{{y:+.1f}} points<br>%{{customdata[0]}} sessions, "
                    "%{customdata[1]} above your usual<extra>%{x}</extra>"
                ),
            )
        )
    fig.update_layout(
        barmode="group",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    )
    # Long tag names wrap onto two lines instead of being tilted and cut off.
    fig.update_xaxes(
        tickangle=0, tickvals=shown, ticktext=[_wrap(tag) for tag in tags], automargin=True
    )
    fig.update_yaxes(title={"text": "points vs your usual"}, zeroline=True)
    return _layout(fig, title, 380)


def heatmap_figure(differences: pd.DataFrame, sign: str) -> go.Figure:
    """Weekday × time of day: the average difference from your usual, sessions counted."""
    title = f"{sign.capitalize()} by weekday and time of day (points vs your usual)"
    rows = differences.dropna(subset=[f"{sign}_diff"])
    if rows.empty:
        return _empty(title, "No sessions to show yet.")
    table = (
        rows.groupby(["weekday", "time_of_day"], observed=True)[f"{sign}_diff"]
        .agg(["mean", "size"])
        .reset_index()
    )
    days = [d for d in WEEKDAYS if d in set(table["weekday"].astype(str))]
    bands = [b for b in BAND_KEYS if b in set(table["time_of_day"].astype(str))]
    mean = table.pivot(index="weekday", columns="time_of_day", values="mean")
    size = table.pivot(index="weekday", columns="time_of_day", values="size")
    mean = mean.reindex(index=days, columns=bands)
    size = size.reindex(index=days, columns=bands)
    text = [
        [
            f"{m:+.1f}<br>{int(n)} sessions" if pd.notna(n) and n > 0 else ""
            for m, n in zip(mr, nr, strict=True)
        ]
        for mr, nr in zip(mean.to_numpy(), size.to_numpy(), strict=True)
    ]
    limit = max(1.0, float(np.nanmax(np.abs(mean.to_numpy()))))
    fig = go.Figure(
        go.Heatmap(
            z=mean.to_numpy(),
            x=bands,
            y=days,
            text=text,
            texttemplate="%{text}",
            colorscale="RdBu_r",
            zmin=-limit,
            zmax=limit,
            colorbar={"title": {"text": "points"}},
            hovertemplate="%{y}, %{x}: %{z:+.2f} points<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, 140 + 55 * len(days))


def load_figure(differences: pd.DataFrame, sign: str = "fatigue") -> go.Figure:
    """Sessions that day against that day's average rating: one dot per day, a box per load."""
    title = f"How many sessions a day, against that day's {sign}"
    if differences.empty:
        return _empty(title, "No sessions to show yet.")
    days = differences.groupby("day", sort=True).agg(
        load=("load", "first"), value=(sign, "mean"), sessions=("sessions_that_day", "first")
    )
    order = [k for k in LOAD_KEYS if k in set(days["load"].astype(str))]
    fig = go.Figure(
        go.Box(
            x=days["load"].astype(str),
            y=days["value"],
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            marker={"color": SIGN_COLOURS.get(sign, QUIET_COLOUR), "size": 5, "opacity": 0.6},
            line={"color": "#34495e"},
            fillcolor="rgba(0,0,0,0)",
            hovertemplate=f"%{{x}}: {sign} %{{y:.1f}}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(
        title={"text": "sessions that day"}, categoryorder="array", categoryarray=order
    )
    fig.update_yaxes(title={"text": f"day's average {sign} (0–10)"}, range=[-0.3, 10.3])
    return _layout(fig, title, 380)


def client_figure(differences: pd.DataFrame, client_code: str) -> go.Figure:
    """One client's sessions over time: each sign's rating against your usual at the time."""
    title = f"Sessions with {escape(client_code)}: ratings (dots) and your usual at the time (line)"
    rows = differences[differences["client_code"] == client_code]
    if rows.empty:
        return _empty(title, "No sessions with this client yet.")
    fig = make_subplots(
        rows=len(SIGNS), cols=1, shared_xaxes=True, vertical_spacing=0.06, subplot_titles=SIGNS
    )
    when = rows["day"]  # the local day: times in UTC would shift late sessions
    for i, sign in enumerate(SIGNS, start=1):
        colour = SIGN_COLOURS[sign]
        fig.add_trace(
            go.Scatter(
                x=when,
                y=rows[f"{sign}_baseline"],
                mode="lines+markers",
                line={"color": "#95a5a6", "dash": "dash"},
                marker={"color": "#95a5a6", "size": 4},
                name="your usual",
                showlegend=i == 1,
                hovertemplate="your usual %{y:.1f}<extra></extra>",
            ),
            row=i,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=when,
                y=rows[sign],
                mode="markers+lines",
                line={"color": colour, "width": 1},
                marker={"color": colour, "size": 8},
                name=sign,
                showlegend=False,
                hovertemplate=f"{sign} %{{y}}<extra>%{{x|%d %b %Y}}</extra>",
            ),
            row=i,
            col=1,
        )
        fig.update_yaxes(range=[-0.5, 10.5], row=i, col=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.08})
    return _layout(fig, title, 560)
