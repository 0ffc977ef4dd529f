"""Print the detection-quality figures of the warning levels on seeded synthetic therapists.

Usage: .venv/bin/python -m scripts.detection_quality [--histories 200] [--set name=value ...]
The scenarios are described in evaluation/detection.py; tests/evaluation/test_detection.py asserts
the same figures with the same seeds.
"""

from __future__ import annotations

import argparse
import json

from core.settings import Thresholds
from evaluation.detection import rates


def main() -> None:
    """Run the three scenarios and print the rates."""
    parser = argparse.ArgumentParser(description="Detection quality of the warning levels.")
    parser.add_argument("--histories", type=int, default=200, help="histories per scenario")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="change a threshold"
    )
    args = parser.parse_args()
    changes = dict(item.split("=", 1) for item in args.set)
    r = rates(
        range(args.first_seed, args.first_seed + args.histories), Thresholds.from_mapping(changes)
    )
    print(f"Histories per scenario: {r.histories} (one year each, seeds from {args.first_seed})")
    rows = [
        ("In control: chronic anywhere in the year", f"{r.in_control_chronic:.1%}", "<= 5%"),
        ("In control: share of sign-days at watch", f"{r.in_control_watch_days:.1%}", ""),
        ("+2.5 rise: watch within 21 days", f"{r.rise_watch_21:.1%}", ">= 90%"),
        ("+2.5 rise: chronic within 42 days", f"{r.rise_chronic_42:.1%}", ">= 90%"),
        ("+2.5 rise: other signs below chronic", f"{r.rise_others_below_chronic:.1%}", ">= 95%"),
        (
            "+2.5 rise: median days to watch / chronic",
            f"{r.median_watch_delay:g} / {r.median_chronic_delay:g}",
            "",
        ),
        ("Terrible week: histories reaching chronic", str(r.terrible_week_chronic), "0"),
    ]
    for label, value, target in rows:
        print(f"{label:<44} {value:>9}  {'target ' + target if target else ''}")
    if changes:
        print("Thresholds changed:", json.dumps(changes))


if __name__ == "__main__":
    main()
