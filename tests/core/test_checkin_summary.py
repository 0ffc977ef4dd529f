"""The latest check-in in words: readings beside reference values or bands, changes in words."""

from __future__ import annotations

from datetime import date

from core.checkin.change import Verdict
from core.checkin.instruments import CBI, PROQOL
from core.checkin.record import CheckinRecord
from core.checkin.summary import latest_summary, reading

JAN, FEB, MAR = date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)


def _cbi(day: date, personal: float, work: float, client: float) -> CheckinRecord:
    return CheckinRecord(day, "cbi", {"personal": personal, "work": work, "client": client})


def test_nothing_before_the_first_check_in() -> None:
    assert latest_summary(CBI, []) is None
    assert latest_summary(PROQOL, [_cbi(JAN, 50, 50, 50)]) is None


def test_the_first_check_in_has_scores_and_readings_but_no_changes() -> None:
    summary = latest_summary(CBI, [_cbi(JAN, 37.5, 32.1, 29.2)])
    assert summary is not None and summary.count == 1 and summary.day == JAN
    personal = summary.scales[0]
    assert (personal.title, personal.score, personal.changes) == ("Personal burnout", 37.5, ())
    assert "average 45, spread (SD) 17 (68 US emergency physicians" in personal.reading
    assert "no official cut-off" in summary.cutoff_note
    assert "Kristensen" in summary.credit


def test_changes_since_the_previous_and_the_first_in_words() -> None:
    records = [_cbi(MAR, 62.5, 60.7, 29.2), _cbi(JAN, 37.5, 32.1, 29.2), _cbi(FEB, 50, 46.4, 29.2)]
    summary = latest_summary(CBI, records)
    assert summary is not None and summary.day == MAR and summary.count == 3
    work = summary.scales[1]
    # 60.7 - 46.4 = 14.3 < 17.7 since February; 28.6 since January is reliable.
    assert work.since_previous is not None and work.since_previous.verdict is Verdict.NONE
    assert work.since_first is not None and work.since_first.verdict is Verdict.WORSE
    assert "no reliable change" in work.changes[0] and "previous check-in" in work.changes[0]
    assert "reliably worse" in work.changes[1] and "first check-in" in work.changes[1]


def test_with_two_check_ins_the_previous_is_the_first_and_is_said_once() -> None:
    summary = latest_summary(CBI, [_cbi(JAN, 37.5, 32.1, 29.2), _cbi(FEB, 37.5, 32.1, 29.2)])
    assert summary is not None
    assert all(len(scale.changes) == 1 for scale in summary.scales)


def test_proqol_scores_are_read_with_their_bands() -> None:
    burnout = PROQOL.scale("burnout")
    assert reading(burnout, 22).startswith("low")
    assert reading(burnout, 23).startswith("moderate")
    assert reading(burnout, 42).startswith("high")


def test_every_reference_value_was_matched_against_its_source() -> None:
    # The CBI's from a published table that could be read (Wolfshohl et al. 2019), the
    # ProQOL's bands, alphas and SDs from theirs (docs/CHECKIN.md): none is marked unchecked.
    for scale in (*CBI.scales, *PROQOL.scales):
        assert scale.reference.unchecked == ""
        assert "not yet checked" not in reading(scale, 30)
        assert "NOT checked" not in scale.reference.sd_source
    assert all("Wolfshohl" in scale.reference.sd_source for scale in CBI.scales)
