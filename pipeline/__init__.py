"""vanban: official Vietnamese administrative documents from validated records."""

__version__ = "0.1.0"
