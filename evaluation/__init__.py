"""The evaluation harness: detection and pattern quality on synthetic therapists (not shipped)."""
