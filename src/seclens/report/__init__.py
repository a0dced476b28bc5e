"""Report stage: HTML report, CSV tables and run provenance."""
