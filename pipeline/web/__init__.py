"""The local web page: fill, check, preview and download without a terminal.

A front end beside ``pipeline.cli``: every action calls a ``pipeline.api`` function;
forms are generated in the browser from the record models' JSON schema
(:mod:`pipeline.web.schema`). ``vanban serve`` starts it (:func:`serve`).
"""

from pipeline.web.server import serve

__all__ = ["serve"]
