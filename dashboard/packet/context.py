"""What the supervision packet shows for a chosen period, gathered from the same core analyses
and figure builders as the Review and Patterns pages; dashboard.packet.render turns it into HTML.
De-identified by default: see core/deidentify.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from markupsafe import Markup
from sqlalchemy import Engine

from core.checkin.instruments import INSTRUMENTS
from core.checkin.summary import fmt_score, latest_summary
from core.deidentify import ALIAS_PREFIX, client_aliases, deidentify_sessions
from core.patterns import PatternReport, find_patterns, findings
from core.schema import REFLECTION_PROMPTS, SIGNS
from core.settings import Thresholds
from core.supervision import (
    Period,
    compare_periods,
    grounding_summary,
    in_period,
    scenario_table,
    weekly_table,
)
from core.warnings import Assessment, assess
from dashboard.figures.checkins import scores_figure
from dashboard.figures.patterns import (
    effects_figure,
    heatmap_figure,
    load_figure,
    scenario_figure,
)
from dashboard.figures.signs import levels_figure, trend_figure
from dashboard.packet.charts import figure_html
from data.checkins import StoredCheckin, stored_checkins
from data.packets import previous_packet
from data.repository import load_sessions
from data.settings_store import load_thresholds

TREND_HEIGHT = 300
"""Trend charts, a little shorter than on the Review page: three to an A4 page."""

LEVELS_HEIGHT = 160

MIN_CHART_DAYS = 28
"""Trend charts span at least this many days, however short the period."""

PATTERN_ROWS = 10
"""Rows per dot-and-interval chart in the packet: the recurring ones and the largest of the rest."""

CHECKIN_HEIGHT = 280


@dataclass(frozen=True)
class PacketOptions:
    """What the therapist chose: the period (inclusive) and the opt-ins, all off by default."""

    start: date
    end: date
    include_notes: bool = False
    show_client_codes: bool = False
    include_checkin_answers: bool = False

    @property
    def period(self) -> Period:
        """The chosen days as a core Period."""
        return Period(self.start, self.end)


@dataclass
class PacketContext:
    """Everything the template shows; built once, rendered to HTML for preview, file and PDF."""

    options: PacketOptions
    generated: date
    summary: dict[str, Any]
    sections: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No sessions in the chosen period: the packet would hold nothing worth bringing."""
        return int(self.summary["sessions"]) == 0


def fmt_day(day: date) -> str:
    """A day as the packet prints it, e.g. '3 Nov 2026'."""
    return f"{day.day} {day:%b %Y}"


def _week_label(week: Any) -> str:
    return f"Week of {week.day} {week:%b}"


def _partial_week_label(week: date, period: Period) -> str:
    """A week's label, saying where the period cuts it so a short week is not misread."""
    label = _week_label(week)
    if week < period.start:
        return f"{label} (from {period.start.day} {period.start:%b})"
    if week + timedelta(days=6) > period.end:
        return f"{label} (to {period.end.day} {period.end:%b})"
    return label


def _summary(sessions: pd.DataFrame, options: PacketOptions, tz: ZoneInfo) -> dict[str, Any]:
    chosen = in_period(sessions, options.period, tz)
    days = chosen["started_at"].dt.tz_convert(tz).dt.date.nunique() if len(chosen) else 0
    return {
        "start": fmt_day(options.start),
        "end": fmt_day(options.end),
        "days": options.period.days,
        "sessions": len(chosen),
        "days_logged": int(days),
        "clients": int(chosen["client_code"].nunique()) if len(chosen) else 0,
    }


def _weeks_section(
    sessions: pd.DataFrame, options: PacketOptions, tz: ZoneInfo
) -> list[dict[str, str]]:
    table = weekly_table(sessions, options.period, tz)
    return [
        {
            "week": _partial_week_label(row["week"], options.period),
            "sessions": str(row["sessions"]),
            "days_logged": str(row["days_logged"]),
            **{sign: f"{row[sign]:.1f}" for sign in SIGNS},
            "grounding": f"{row['grounding_share']:.0%}",
        }
        for row in table.to_dict("records")
    ]


def _change_section(
    engine: Engine | None,
    owner: int | None,
    sessions: pd.DataFrame,
    options: PacketOptions,
    tz: ZoneInfo,
    now: Assessment,
    t: Thresholds,
) -> dict[str, Any]:
    previous = (
        previous_packet(engine, owner=owner, start=options.start)
        if engine is not None and owner is not None
        else None
    )
    if previous is not None:
        earlier = Period(previous.period_start, previous.period_end)
        label = "the last packet"
        intro = (
            f"Compared with your last packet ({fmt_day(earlier.start)} – "
            f"{fmt_day(earlier.end)}), averages of your day values:"
        )
    else:
        earlier = options.period.before()
        label = f"the {earlier.days} days before"
        intro = (
            "There is no earlier packet, so this compares with the "
            f"{earlier.days} days before ({fmt_day(earlier.start)} – {fmt_day(earlier.end)}):"
        )
    changes = compare_periods(sessions, options.period, earlier, tz, label=label)
    then = assess(sessions, today=earlier.end, tz=tz, thresholds=t)
    return {
        "intro": intro,
        "rows": [
            {
                "sign": c.sign.capitalize(),
                "now": "–" if c.now is None else f"{c.now:.1f}",
                "before": "–" if c.before is None else f"{c.before:.1f}",
                # Rounded first, so a tiny fall does not print as "-0.0".
                "delta": "–" if c.delta is None else f"{round(c.delta, 1) + 0.0:+.1f}",
                "level_before": then.signs[c.sign].level,
                "level_now": now.signs[c.sign].level,
                "sentence": c.sentence,
            }
            for c in changes
        ],
    }


def _headline(assessment: Assessment) -> dict[str, Any]:
    return {
        "as_of": fmt_day(assessment.as_of),
        "overall": {
            "level": assessment.overall.level,
            "explanation": assessment.overall.explanation,
        },
        "signs": [
            {"name": sign.capitalize(), "level": status.level, "explanation": status.explanation}
            for sign, status in assessment.signs.items()
        ],
    }


def _trend_figures(assessment: Assessment, period: Period, t: Thresholds) -> list[Markup]:
    """The Review page's trend chart per sign and the warning-level strips, over the period."""
    # A short period still gets four weeks of chart, so a trend has room to show.
    start = min(period.start, Period.ending(period.end, MIN_CHART_DAYS).start)
    figures = [levels_figure(assessment.days, start=start, height=LEVELS_HEIGHT)]
    figures += [
        trend_figure(
            assessment.days,
            sign,
            absolute_threshold=t.absolute_threshold,
            start=start,
            height=TREND_HEIGHT,
        )
        for sign in SIGNS
    ]
    return [figure_html(fig) for fig in figures]


def _pattern_figures(
    report: PatternReport,
    comparisons: pd.DataFrame,
    label: Callable[[str], str],
    *,
    aliased: bool,
) -> list[Markup]:
    """The Patterns page's charts that hold no client-linked dates (the drill-down is left out)."""
    if report.status != "ok":
        return []
    recurring = comparisons[comparisons["recurring"]]
    focus = str(recurring["sign"].iloc[0]) if len(recurring) else "fatigue"
    # The chart prefixes client keys with "client": "client A" reads better than "client Client A".
    if aliased:
        comparisons = _relabel_clients(comparisons, lambda a: a.removeprefix(ALIAS_PREFIX + " "))
    # The per-session frame carries codes; the charts only aggregate it, but pass aliases anyway.
    codes = report.sessions["client_code"]
    sessions = report.sessions.assign(client_code=[label(c) for c in codes])
    figures = [effects_figure(comparisons, sign, top=PATTERN_ROWS) for sign in SIGNS]
    figures += [heatmap_figure(sessions, focus), load_figure(sessions, "fatigue")]
    return [figure_html(fig) for fig in figures]


def _relabel_clients(comparisons: pd.DataFrame, label: Callable[[str], str]) -> pd.DataFrame:
    out = comparisons.copy()
    is_client = out["kind"] == "client"
    out.loc[is_client, "key"] = [label(k) for k in out.loc[is_client, "key"]]
    return out


def _ordered_clients(report: PatternReport, chosen: pd.DataFrame) -> list[str]:
    """Alias order: recurring findings (most costly first), the period's clients by first
    session, then clients seen only earlier (they appear in the effect charts alone)."""
    ranked = report.comparisons[report.comparisons["kind"] == "client"]
    ranked = ranked.sort_values(["recurring", "effect"], ascending=[False, False], kind="stable")
    recurring = ranked[ranked["recurring"]]["key"].tolist()
    in_period = chosen.sort_values("started_at", kind="stable")["client_code"].tolist()
    return [*recurring, *in_period, *ranked["key"].tolist()]


def _checkin_section(
    checkins: Sequence[StoredCheckin], options: PacketOptions
) -> list[dict[str, Any]]:
    """Per questionnaire, its latest check-in up to the period's end: scores, readings, changes
    in words, the chart, the credit line; each item's answer only if the therapist opted in."""
    upto = [c for c in checkins if c.record.day <= options.end]
    records = [c.record for c in upto]
    out: list[dict[str, Any]] = []
    for instrument in INSTRUMENTS.values():
        summary = latest_summary(instrument, records)
        if summary is None:
            continue
        latest = next(c for c in reversed(upto) if c.record.instrument == instrument.key)
        answers = [
            {
                "number": str(item.number),
                "text": item.text,
                "answer": instrument.format_of(item).labels[latest.answers[item.id]],
            }
            for item in instrument.items
            if options.include_checkin_answers
        ]
        out.append(
            {
                "name": summary.name,
                "day": fmt_day(summary.day),
                "count": summary.count,
                "scales": [
                    {
                        "title": scale.title,
                        "score": fmt_score(scale.score),
                        "range": f"{fmt_score(scale.low)}–{fmt_score(scale.high)}",
                        "reading": scale.reading,
                        "changes": list(scale.changes),
                    }
                    for scale in summary.scales
                ],
                "cutoff_note": summary.cutoff_note,
                "credit": summary.credit,
                "figure": figure_html(scores_figure(instrument, records, height=CHECKIN_HEIGHT)),
                "answers": answers,
            }
        )
    return out


def _reflections(
    chosen: pd.DataFrame, options: PacketOptions, tz: ZoneInfo, aliases: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    rows = deidentify_sessions(
        chosen,
        tz=tz,
        aliases=aliases,
        include_notes=options.include_notes,
        show_client_codes=options.show_client_codes,
    )
    records = rows.to_dict("records") if options.include_notes else []

    def answers(column: str) -> list[dict[str, str]]:
        return [
            {"week": _week_label(r["week"]), "client": str(r["client"]), "text": str(r[column])}
            for r in records
            if r[column]
        ]

    questions = [
        {"question": question, "answers": answers(column)}
        for column, question in REFLECTION_PROMPTS.items()
    ]
    return questions, answers("note")


def packet_context(
    sessions: pd.DataFrame,
    options: PacketOptions,
    *,
    today: date,
    tz: ZoneInfo,
    engine: Engine | None = None,
    owner: int | None = None,
    thresholds: Thresholds | None = None,
    checkins: Sequence[StoredCheckin] = (),
) -> PacketContext:
    """Everything the packet shows for `options`, computed from the full session history.

    With `engine` and `owner`, it compares with that owner's previous packet; `checkins` (with
    their answers) give the Check-ins section.
    """
    if options.end < options.start:
        raise ValueError("The period ends before it starts. Pick a start on or before the end.")
    history = sessions[sessions["started_at"].dt.tz_convert(tz).dt.date <= options.end]
    chosen = in_period(history, options.period, tz)
    context = PacketContext(options, today, _summary(history, options, tz))
    if context.empty:
        return context

    t = thresholds or Thresholds()
    assessment = assess(history, today=options.end, tz=tz, thresholds=t)
    report = find_patterns(history, today=options.end, tz=tz, settings=t)
    aliases = client_aliases(_ordered_clients(report, chosen))

    def label(code: str) -> str:
        if options.show_client_codes:
            return code
        return aliases.get(code, "Client (other)")

    comparisons = _relabel_clients(report.comparisons, label)
    questions, notes = _reflections(chosen, options, tz, aliases)
    scenarios = scenario_table(history, options.period, tz)
    context.sections = {
        "headline": _headline(assessment),
        "trend_figures": _trend_figures(assessment, options.period, t),
        "pattern_figures": _pattern_figures(
            report, comparisons, label, aliased=not options.show_client_codes
        ),
        "scenario_figures": [figure_html(scenario_figure(comparisons))],
        "weeks": _weeks_section(history, options, tz),
        "change": _change_section(engine, owner, history, options, tz, assessment, t),
        "patterns": {
            "status": report.status,
            "message": report.message,
            "findings": findings(comparisons, settings=t),
        },
        "scenarios": [
            {
                "tag": r.tag,
                "sessions": str(r.sessions),
                **{sign: f"{getattr(r, sign):.1f}" for sign in SIGNS},
            }
            for r in scenarios.itertuples(index=False)
        ],
        "grounding": grounding_summary(
            history, options.period, tz, tough_rating=math.ceil(t.absolute_threshold)
        ).sentence,
        "questions": questions,
        "notes": notes,
        "checkins": _checkin_section(checkins, options),
    }
    return context


def load_packet(
    engine: Engine,
    options: PacketOptions,
    *,
    owner: int,
    today: date,
    tz: ZoneInfo,
    thresholds: Thresholds | None = None,
) -> PacketContext:
    """Load `owner`'s entries and build the packet's context with their stored thresholds."""
    return packet_context(
        load_sessions(engine, owner=owner),
        options,
        today=today,
        tz=tz,
        engine=engine,
        owner=owner,
        thresholds=thresholds or load_thresholds(engine, owner=owner),
        checkins=stored_checkins(engine, owner=owner),
    )
