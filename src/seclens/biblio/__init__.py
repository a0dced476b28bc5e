"""Bibliometric stage: read reference-manager exports and count records per year.

Reproduces the kind of count behind the founding study's Figure 1 (CNKI journal
articles per year with 人工智能 and 安全 in the title). One parser module per export
format (:mod:`.refworks`, :mod:`.endnote`, :mod:`.noteexpress`, :mod:`.ris`,
:mod:`.bibtex`, :mod:`.wos`, :mod:`.openalex`), a common record type and reader
(:mod:`.records`) and the counting (:mod:`.count`). Nothing heavy is imported here.
"""

from __future__ import annotations

__all__: list[str] = []
