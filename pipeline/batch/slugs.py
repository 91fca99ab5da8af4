"""File names of a batch's communes: see :mod:`pipeline.naming` (one scheme for all)."""

from __future__ import annotations

from pipeline.naming import file_stems, slugify, unique_slugs

__all__ = ["file_stems", "slugify", "unique_slugs"]
