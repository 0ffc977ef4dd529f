"""The periodic check-in: validated burnout questionnaires, their scores and reliable change.

- `instruments`: the CBI and ProQOL 5 as data (items, answer labels, scoring, sources, credits);
- `scoring`: answers to scale scores, problems in plain words;
- `change`: the Jacobson–Truax reliable change index, in words;
- `due`: whether a check-in is due;
- `tracking`: whether the session ratings track the check-in scores, and flagged clients.

Pure like the rest of `core`: no storage, no UI, `today` passed in. Sources: docs/CHECKIN.md.
"""
