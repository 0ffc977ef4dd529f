"""The check-in questionnaires as data: items, answer labels, scoring rules, sources, credit lines.

Two instruments, each with its published wording and scoring (docs/CHECKIN.md lists every source
and what could not be checked):

- `CBI`, the Copenhagen Burnout Inventory (the default check-in);
- `PROQOL`, the Professional Quality of Life Scale, version 5 (on request, `proqol_enabled`).

An answer is stored as the *index* of the chosen option in the item's answer format, in the
order the instrument prints its options; the format maps the index to points. A reversed item
counts the options from the other end (index 0 gets the last option's points), so "Always" on
the CBI's "enough energy for family and friends" scores 0, not 100.

Each scale also carries what reliable change needs (a published SD and reliability, with the
source of each) and, where the instrument has them, published cut points. Nothing here is a
diagnosis: cut points are the authors' own screening bands, shown as prompts for reflection.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Direction(StrEnum):
    """Which way a scale's score gets worse."""

    HIGHER_IS_WORSE = "higher is worse"
    HIGHER_IS_BETTER = "higher is better"


class Scoring(StrEnum):
    """How a scale combines its item points."""

    MEAN = "mean"
    SUM = "sum"


@dataclass(frozen=True)
class Source:
    """A published source: how to cite it and where to find it."""

    citation: str
    url: str


@dataclass(frozen=True)
class AnswerFormat:
    """The answer options of an item: labels in printed order and the points of each."""

    key: str
    labels: tuple[str, ...]
    points: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.points):
            raise ValueError(f"answer format {self.key}: one label per point value")

    def points_for(self, index: int, *, reversed_item: bool) -> int:
        """Points of the option at `index`; a reversed item counts from the other end."""
        return self.points[len(self.points) - 1 - index] if reversed_item else self.points[index]


@dataclass(frozen=True)
class Item:
    """One question: a stable id, its number in the instrument, wording, scale and format."""

    id: str
    number: int
    text: str
    scale: str
    format: str
    reversed: bool = False


@dataclass(frozen=True)
class Band:
    """A published cut-point band of a scale's score (both ends included)."""

    label: str
    low: float
    high: float


@dataclass(frozen=True)
class Reference:
    """Published values a score can be read against, each with where it comes from.

    `sd` and `reliability` (Cronbach's alpha) feed the reliable change index; `mean` is a
    published sample mean shown beside a score where the instrument has no cut-offs.
    """

    sd: float
    reliability: float
    sd_source: str
    reliability_source: str
    mean: float | None = None
    sample: str = ""
    unchecked: str = ""
    """Empty when every value above was matched against published text (the sources say
    where); otherwise which values were not, in words shown wherever they are printed."""


@dataclass(frozen=True)
class Scale:
    """A scale: its items, how they combine, its range, direction, bands and reference values."""

    key: str
    title: str
    items: tuple[str, ...]
    scoring: Scoring
    low: float
    high: float
    direction: Direction
    reference: Reference
    bands: tuple[Band, ...] = ()
    bands_source: str = ""


@dataclass(frozen=True)
class Instrument:
    """A whole questionnaire as data, with its sources, credit line and terms of use."""

    key: str
    name: str
    short_name: str
    instructions: str
    formats: tuple[AnswerFormat, ...]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    credit: str
    terms: str
    cutoff_note: str
    sources: tuple[Source, ...]

    def format_of(self, item: Item) -> AnswerFormat:
        """The answer format of one of this instrument's items."""
        return next(f for f in self.formats if f.key == item.format)

    def item(self, item_id: str) -> Item:
        """The item with this id."""
        return next(i for i in self.items if i.id == item_id)

    def scale(self, key: str) -> Scale:
        """The scale with this key."""
        return next(s for s in self.scales if s.key == key)


# --- Copenhagen Burnout Inventory -------------------------------------------------------------

CBI_PAPER: Final = Source(
    "Kristensen, T.S., Borritz, M., Villadsen, E. & Christensen, K.B. (2005). The Copenhagen "
    "Burnout Inventory: A new tool for the assessment of burnout. Work & Stress, 19(3), 192–207.",
    "https://doi.org/10.1080/02678370500297720",
)
CBI_PUMA_SHEET: Final = Source(
    "Copenhagen Burnout Inventory (English version) used in the PUMA study: items, response "
    "categories and scoring, as offered by the authors' institute (NFA, Copenhagen).",
    "https://nfa.dk/vaerktoejer/spoergeskemaer/spoergeskema-til-maaling-af-udbraendthed-cbi/"
    "copenhagen-burnout-inventory-cbi",
)
CBI_PUMA_COPY: Final = Source(
    "A copy of the PUMA-study CBI sheet (personal and work-related parts read there).",
    "https://studylib.net/doc/26308800/burnout",
)
CBI_ITEM_TABLE: Final = Source(
    "Table 1 of a 2022 CBI study (JACEP Open 3(4):e12797) listing all 19 items with their answer "
    "format and the reversed item (client-related items worded with 'patients').",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC9358756/table/emp212797-tbl-0001",
)

CBI_REFERENCE: Final = Source(
    "Wolfshohl, J.A., Bradley, K., Bell, C., et al. (2019). Association between empathy and "
    "burnout among emergency medicine physicians. Journal of Clinical Medicine Research, 11(7), "
    "532–538, Table 2: the English CBI in 68 US emergency physicians (residents and attendings).",
    "https://doi.org/10.14740/jocmr3878",
)

# The reference values of the three scales: a published table that could be read and matched
# (30 Nov 2026, https://www.jocmr.org/tables/jocmr3878t.htm, Table 2 "Descriptive Analysis of
# the JSE and CBI Scores"): "Mean (SD) ... 45 (17) 43 (19) 33 (19)" and "Cronbach's α ... 0.89
# 0.88 0.90" for CBI personal-related, work-related and patient-related (the client-related
# scale worded with "patients"); Table 1 counts 12 + 12 + 11 + 14 + 19 = 68 physicians. The
# development study's own table (Kristensen et al. 2005, PUMA baseline, N = 1,914) could not be
# read here, only its abstract, so its values are not used. A second readable sample agrees on
# the spread: Serbian preschool teachers (Piperac et al. 2021, IJERPH 18(13):6805, abstract):
# personal 41.3 ± 18.7, work 41.2 ± 15.9, client 34.7 ± 22.0, alphas .906, .765, .901.
_CBI_REFERENCE_NOTE: Final = (
    "Wolfshohl et al. (2019), J Clin Med Res 11(7):532–538, Table 2 (English CBI, 68 US "
    "emergency physicians): matched against the published table"
)
_CBI_SAMPLE: Final = "68 US emergency physicians, Wolfshohl et al. 2019"

CBI_FREQUENCY: Final = AnswerFormat(
    "frequency",
    ("Always", "Often", "Sometimes", "Seldom", "Never/almost never"),
    (100, 75, 50, 25, 0),
)
CBI_DEGREE: Final = AnswerFormat(
    "degree",
    (
        "To a very high degree",
        "To a high degree",
        "Somewhat",
        "To a low degree",
        "To a very low degree",
    ),
    (100, 75, 50, 25, 0),
)


def _cbi_items() -> tuple[Item, ...]:
    personal = (
        "How often do you feel tired?",
        "How often are you physically exhausted?",
        "How often are you emotionally exhausted?",
        "How often do you think: “I can’t take it anymore”?",
        "How often do you feel worn out?",
        "How often do you feel weak and susceptible to illness?",
    )
    work = (
        ("Is your work emotionally exhausting?", "degree"),
        ("Do you feel burnt out because of your work?", "degree"),
        ("Does your work frustrate you?", "degree"),
        ("Do you feel worn out at the end of the working day?", "frequency"),
        ("Are you exhausted in the morning at the thought of another day at work?", "frequency"),
        ("Do you feel that every working hour is tiring for you?", "frequency"),
        ("Do you have enough energy for family and friends during leisure time?", "frequency"),
    )
    client = (
        ("Do you find it hard to work with clients?", "degree"),
        ("Do you find it frustrating to work with clients?", "degree"),
        ("Does it drain your energy to work with clients?", "degree"),
        (
            "Do you feel that you give more than you get back when you work with clients?",
            "degree",
        ),
        ("Are you tired of working with clients?", "frequency"),
        (
            "Do you sometimes wonder how long you will be able to continue working with clients?",
            "frequency",
        ),
    )
    items = [
        Item(f"cbi_personal_{i}", i, text, "personal", "frequency")
        for i, text in enumerate(personal, start=1)
    ]
    items += [
        # The one reversed item: having energy left for family and friends is the opposite
        # of work-related burnout ("Reversed score for last question", PUMA sheet).
        Item(f"cbi_work_{i}", 6 + i, text, "work", fmt, reversed=(i == 7))
        for i, (text, fmt) in enumerate(work, start=1)
    ]
    items += [
        Item(f"cbi_client_{i}", 13 + i, text, "client", fmt)
        for i, (text, fmt) in enumerate(client, start=1)
    ]
    return tuple(items)


_CBI_ITEMS: Final = _cbi_items()


def _ids(items: tuple[Item, ...], scale: str) -> tuple[str, ...]:
    return tuple(i.id for i in items if i.scale == scale)


def _cbi_scale(key: str, title: str, *, mean: float, sd: float, reliability: float) -> Scale:
    """A CBI scale: the mean of its items, 0–100, higher is worse, with its reference values."""
    return Scale(
        key=key,
        title=title,
        items=_ids(_CBI_ITEMS, key),
        scoring=Scoring.MEAN,
        low=0,
        high=100,
        direction=Direction.HIGHER_IS_WORSE,
        reference=Reference(
            sd=sd,
            reliability=reliability,
            mean=mean,
            sd_source=_CBI_REFERENCE_NOTE,
            reliability_source=_CBI_REFERENCE_NOTE,
            sample=_CBI_SAMPLE,
        ),
    )


CBI: Final = Instrument(
    key="cbi",
    name="Copenhagen Burnout Inventory",
    short_name="CBI",
    # The PUMA sheet prints no instructions of its own (its items were mixed into a longer
    # questionnaire), so none are invented here.
    instructions="",
    formats=(CBI_FREQUENCY, CBI_DEGREE),
    items=_CBI_ITEMS,
    scales=(
        _cbi_scale("personal", "Personal burnout", mean=45, sd=17, reliability=0.89),
        _cbi_scale("work", "Work-related burnout", mean=43, sd=19, reliability=0.88),
        _cbi_scale("client", "Client-related burnout", mean=33, sd=19, reliability=0.90),
    ),
    credit=(
        "Copenhagen Burnout Inventory (CBI): Kristensen, Borritz, Villadsen & Christensen (2005), "
        "Work & Stress 19(3), 192–207; National Research Centre for the Working Environment "
        "(NFA), Copenhagen."
    ),
    terms=(
        "Offered for download by the authors' institute (NFA). No licence text was found in the "
        "sources consulted, so Tightrope credits the authors wherever items or scores appear."
    ),
    cutoff_note=(
        "The CBI has no official cut-off. Scores are shown beside the mean and SD of a published "
        "sample, never as bands."
    ),
    sources=(CBI_PAPER, CBI_PUMA_SHEET, CBI_PUMA_COPY, CBI_ITEM_TABLE, CBI_REFERENCE),
)
"""The Copenhagen Burnout Inventory: 19 items, three scales scored 0–100 as the mean of items.

Reference: Kristensen, Borritz, Villadsen & Christensen (2005), Work & Stress 19(3), 192–207,
https://doi.org/10.1080/02678370500297720. Items, response categories and scoring follow the
English version used in the PUMA study, offered by the authors' institute
(https://nfa.dk/vaerktoejer/spoergeskemaer/spoergeskema-til-maaling-af-udbraendthed-cbi/
copenhagen-burnout-inventory-cbi). Personal burnout: six "how often" items; work-related: three
"to what degree" items, then four "how often" items, the last reversed; client-related: four
"to what degree" items, then two "how often" items. Always/To a very high degree = 100, Often/
To a high degree = 75, Sometimes/Somewhat = 50, Seldom/To a low degree = 25, Never or almost
never/To a very low degree = 0; a scale is the mean of its items. The sheet treats a respondent
as a non-responder below three answered personal items and below four work-related ones;
Tightrope asks every item, so a check-in is scored only when complete. Reference values (mean,
SD, alpha of each scale) from Wolfshohl et al. (2019), Table 2, matched (`CBI_REFERENCE`).
"""


# --- ProQOL 5 ---------------------------------------------------------------------------------

PROQOL_FORM: Final = Source(
    "Stamm, B.H. (2009–2012). Professional Quality of Life: Compassion Satisfaction and "
    "Fatigue Version 5 (ProQOL), with its scoring page 'Your Scores on the ProQOL'.",
    "https://proqol.org",
)
PROQOL_MANUAL: Final = Source(
    "Stamm, B.H. (2010). The Concise ProQOL Manual, 2nd Ed. Pocatello, ID: ProQOL.org.",
    "https://www.researchgate.net/publication/340033923_The_Concise_ProQOL_Manual_The_concise_"
    "manual_for_the_Professional_Quality_of_Life_Scale_2_nd_Edition",
)
PROQOL_FORM_COPY: Final = Source(
    "A copy of the ProQOL 5 form and its scoring page (answer labels, instructions, the "
    "22-or-less / 23–41 / 42-or-more bands).",
    "https://form.jotform.com/210527859280056",
)
PROQOL_PERMISSIONS: Final = Source(
    "ProQOL use permissions and FAQ (ProQOL office, now the Center for Victims of Torture): free "
    "to copy and use if the author is credited, with a link to www.ProQOL.org, no changes, not "
    "sold; reformatting (a digital form), single subscales and replacing the bracketed words "
    "such as [helper] are allowed.",
    "https://proqol.org/faq",
)
PROQOL_BENCHMARKS: Final = Source(
    "Professional Quality of Life Normative Benchmarks (2018), Psychological Trauma: Theory, "
    "Research, Practice, and Policy; review of 30 studies, N = 5,612: raw-score mean (SD) of "
    "compassion satisfaction 37.7 (6.5), burnout 22.8 (5.4), compassion fatigue/secondary "
    "traumatic stress 16.7 (5.7). PubMed 28383935.",
    "https://pubmed.ncbi.nlm.nih.gov/28383935/",
)

PROQOL_CREDIT: Final = (
    "© B. Hudnall Stamm, 2009-2012. Professional Quality of Life: Compassion Satisfaction and "
    "Fatigue Version 5 (ProQOL). www.proqol.org. This test may be freely copied as long as "
    "(a) author is credited, (b) no changes are made, and (c) it is not sold. Those interested "
    "in using the test should visit www.proqol.org to verify that the copy they are using is "
    "the most current version of the test."
)

PROQOL_OWNER: Final = (
    "The ProQOL is now held by The Center for Victims of Torture (CVT): www.ProQOL.org."
)
"""The owner's second condition: credit CVT and link to www.ProQOL.org (PROQOL_PERMISSIONS)."""

PROQOL_FREQUENCY: Final = AnswerFormat(
    "proqol", ("Never", "Rarely", "Sometimes", "Often", "Very Often"), (1, 2, 3, 4, 5)
)

# (number, wording, scale). The square brackets are printed as on the form: the owner allows
# replacing a bracketed word with one that fits the group ("[helper]" by "therapist").
_PROQOL_WORDING: Final = (
    (1, "I am happy.", "burnout"),
    (2, "I am preoccupied with more than one person I [help].", "secondary_traumatic_stress"),
    (3, "I get satisfaction from being able to [help] people.", "compassion_satisfaction"),
    (4, "I feel connected to others.", "burnout"),
    (5, "I jump or am startled by unexpected sounds.", "secondary_traumatic_stress"),
    (6, "I feel invigorated after working with those I [help].", "compassion_satisfaction"),
    (
        7,
        "I find it difficult to separate my personal life from my life as a [helper].",
        "secondary_traumatic_stress",
    ),
    (
        8,
        "I am not as productive at work because I am losing sleep over traumatic experiences "
        "of a person I [help].",
        "burnout",
    ),
    (
        9,
        "I think that I might have been affected by the traumatic stress of those I [help].",
        "secondary_traumatic_stress",
    ),
    (10, "I feel trapped by my job as a [helper].", "burnout"),
    (
        11,
        'Because of my [helping], I have felt "on edge" about various things.',
        "secondary_traumatic_stress",
    ),
    (12, "I like my work as a [helper].", "compassion_satisfaction"),
    (
        13,
        "I feel depressed because of the traumatic experiences of the people I [help].",
        "secondary_traumatic_stress",
    ),
    (
        14,
        "I feel as though I am experiencing the trauma of someone I have [helped].",
        "secondary_traumatic_stress",
    ),
    (15, "I have beliefs that sustain me.", "burnout"),
    (
        16,
        "I am pleased with how I am able to keep up with [helping] techniques and protocols.",
        "compassion_satisfaction",
    ),
    (17, "I am the person I always wanted to be.", "burnout"),
    (18, "My work makes me feel satisfied.", "compassion_satisfaction"),
    (19, "I feel worn out because of my work as a [helper].", "burnout"),
    (
        20,
        "I have happy thoughts and feelings about those I [help] and how I could help them.",
        "compassion_satisfaction",
    ),
    (21, "I feel overwhelmed because my case [work] load seems endless.", "burnout"),
    (22, "I believe I can make a difference through my work.", "compassion_satisfaction"),
    (
        23,
        "I avoid certain activities or situations because they remind me of frightening "
        "experiences of the people I [help].",
        "secondary_traumatic_stress",
    ),
    (24, "I am proud of what I can do to [help].", "compassion_satisfaction"),
    (
        25,
        "As a result of my [helping], I have intrusive, frightening thoughts.",
        "secondary_traumatic_stress",
    ),
    (26, 'I feel "bogged down" by the system.', "burnout"),
    (27, 'I have thoughts that I am a "success" as a [helper].', "compassion_satisfaction"),
    (
        28,
        "I can't recall important parts of my work with trauma victims.",
        "secondary_traumatic_stress",
    ),
    (29, "I am a very caring person.", "burnout"),
    (30, "I am happy that I chose to do this work.", "compassion_satisfaction"),
)

PROQOL_REVERSED: Final = frozenset({1, 4, 15, 17, 29})
"""The burnout items asked in a positive way and scored in reverse (1 counts 5)."""

_PROQOL_ITEMS: Final = tuple(
    Item(f"proqol_{n}", n, text, scale, "proqol", reversed=n in PROQOL_REVERSED)
    for n, text, scale in _PROQOL_WORDING
)

# The scoring page's bands, the same for all three sums. Matched (30 Nov 2026) against the copy
# of the form at https://form.jotform.com/210527859280056: "22 or less Low", "Between 23 and 41
# Moderate", "42 or more High", printed for each of the three scores.
_PROQOL_BANDS: Final = (Band("low", 10, 22), Band("moderate", 23, 41), Band("high", 42, 50))
_PROQOL_BANDS_SOURCE: Final = (
    "ProQOL 5 scoring page 'Your Scores on the ProQOL' (Stamm 2009–2012): 22 or less low, "
    "between 23 and 41 moderate, 42 or more high"
)
# The three alphas, matched against the scoring page's paragraphs. Compassion satisfaction's as
# reproduced at https://fill.io/1-I-am-happy-1-Never-2-Rarely-3-Sometimes-4-Often: "The average
# score is 50 (SD 10; alpha scale reliability .88)" (the t-score wording of the first printing).
# Burnout's and secondary traumatic stress's (30 Nov 2026) in a public reproduction of the same
# page's three paragraphs with the form's credit line "© B. Hudnall Stamm, 2009-2012", found in
# the index of public GitHub code by its exact text: the burnout paragraph ends "(Alpha scale
# reliability 0.75)", the secondary-traumatic-stress one "(Alpha scale reliability 0.81)", the
# compassion-satisfaction one "(Alpha scale reliability 0.88)", agreeing with the copy above.
_PROQOL_ALPHA_SOURCE: Final = "ProQOL 5 scoring page (Stamm 2009–2012), alpha scale reliability"
# The raw-score SDs, matched against the review's abstract (https://insights.ovid.com/pubmed?
# PMID=28383935): "A review of 30 studies (total sample size of 5,612) was conducted ... The mean
# (standard deviation) level of CS, CF, and BO were 37.7 (6.5), 16.7 (5.7), and 22.8 (5.4),
# respectively." The review's CF (compassion fatigue) is the ProQOL 5 secondary-traumatic-stress
# sum; the same abstract warns that the manual's means and 25th/75th-percentile cut scores "may
# be misleading" for raw scores, one more reason the t-score cut-offs are not used here.
_PROQOL_SD_SOURCE: Final = (
    "Professional Quality of Life Normative Benchmarks (2018), PubMed 28383935, raw-score SD "
    "(abstract: CS 37.7 (6.5), CF 16.7 (5.7), BO 22.8 (5.4); CF is the STS sum)"
)


def _proqol_scale(key: str, title: str, direction: Direction, reference: Reference) -> Scale:
    return Scale(
        key=key,
        title=title,
        items=_ids(_PROQOL_ITEMS, key),
        scoring=Scoring.SUM,
        low=10,
        high=50,
        direction=direction,
        reference=reference,
        bands=_PROQOL_BANDS,
        bands_source=_PROQOL_BANDS_SOURCE,
    )


PROQOL: Final = Instrument(
    key="proqol",
    name="Professional Quality of Life Scale, version 5",
    short_name="ProQOL 5",
    instructions=(
        "When you [help] people you have direct contact with their lives. As you may have "
        "found, your compassion for those you [help] can affect you in positive and negative "
        "ways. Below are some questions about your experiences, both positive and negative, as "
        "a [helper]. Consider each of the following questions about you and your current work "
        "situation. Select the number that honestly reflects how frequently you experienced "
        "these things in the last 30 days."
    ),
    formats=(PROQOL_FREQUENCY,),
    items=_PROQOL_ITEMS,
    scales=(
        _proqol_scale(
            "compassion_satisfaction",
            "Compassion satisfaction",
            Direction.HIGHER_IS_BETTER,
            Reference(
                sd=6.5,
                reliability=0.88,
                mean=37.7,
                sd_source=_PROQOL_SD_SOURCE,
                reliability_source=_PROQOL_ALPHA_SOURCE,
                sample="30 published studies of helpers",
            ),
        ),
        _proqol_scale(
            "burnout",
            "Burnout",
            Direction.HIGHER_IS_WORSE,
            Reference(
                sd=5.4,
                reliability=0.75,
                mean=22.8,
                sd_source=_PROQOL_SD_SOURCE,
                reliability_source=_PROQOL_ALPHA_SOURCE,
                sample="30 published studies of helpers",
            ),
        ),
        _proqol_scale(
            "secondary_traumatic_stress",
            "Secondary traumatic stress",
            Direction.HIGHER_IS_WORSE,
            Reference(
                sd=5.7,
                reliability=0.81,
                mean=16.7,
                sd_source=_PROQOL_SD_SOURCE,
                reliability_source=_PROQOL_ALPHA_SOURCE,
                sample="30 published studies of helpers",
            ),
        ),
    ),
    credit=f"{PROQOL_CREDIT} {PROQOL_OWNER}",
    terms=(
        "Free to use on its owner's conditions: credit the author and the Center for Victims of "
        "Torture with a link to www.ProQOL.org, make no changes beyond the bracketed words, do "
        "not sell it; a digital form and single subscales are allowed. The bands are the "
        "ProQOL's own screening bands; the burnout and secondary-traumatic-stress scales fit a "
        "Rasch model poorly in some samples, so scores are prompts for reflection."
    ),
    cutoff_note=(
        "The ProQOL 5 scoring page bands each sum: 22 or less low, 23 to 41 moderate, 42 or "
        "more high."
    ),
    sources=(PROQOL_FORM, PROQOL_MANUAL, PROQOL_FORM_COPY, PROQOL_PERMISSIONS, PROQOL_BENCHMARKS),
)
"""ProQOL 5: 30 items over the last 30 days, answered 1–5, three sums of ten items (10–50).

Reference: Stamm, B.H. (2009–2012), Professional Quality of Life: Compassion Satisfaction and
Fatigue Version 5 (ProQOL), https://proqol.org, and Stamm (2010), The Concise ProQOL Manual,
2nd Ed. Compassion satisfaction: items 3, 6, 12, 16, 18, 20, 22, 24, 27, 30; burnout: items 1,
4, 8, 10, 15, 17, 19, 21, 26, 29, with 1, 4, 15, 17 and 29 reversed; secondary traumatic stress:
items 2, 5, 7, 9, 11, 13, 14, 23, 25, 28. Bands (scoring page, matched): 22 or less low, 23–41
moderate, 42 or more high. Alphas (scoring page, matched): .88 compassion satisfaction, .75
burnout, .81 secondary traumatic stress.
Raw-score SDs from the 2018 normative benchmarks review (PubMed 28383935, abstract matched),
since the form reports SDs only on its earlier t-score scale. The credit line `PROQOL_CREDIT`
is the form's own; with `PROQOL_OWNER` (the current owner's condition: credit CVT, link
www.ProQOL.org) it must appear wherever items or scores do.
"""

INSTRUMENTS: Final = {instrument.key: instrument for instrument in (CBI, PROQOL)}
"""Every check-in instrument by key; the CBI is the default."""

DEFAULT_INSTRUMENT: Final = CBI.key
