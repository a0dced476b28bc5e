"""seclens: measure securitization in policy discourse.

A library first; the ``seclens`` command line is a thin client of it. Stages:
ingest → normalize → segment → lexicon/match → measures → report, composed by
:mod:`seclens.api`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
