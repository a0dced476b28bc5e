"""Validation stage: detector-vs-gold scores, inter-coder agreement, coded-data readers."""
