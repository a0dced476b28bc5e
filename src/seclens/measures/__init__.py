"""Measures stage: pure functions over matches with stated units (see ``counts``)."""
