"""Pydantic input records (strict, frozen, text NFC-normalised) and their labels."""

from pipeline.models.document import OfficialDocument
from pipeline.models.labels import LABELS, label_for

__all__ = ["LABELS", "OfficialDocument", "label_for"]
