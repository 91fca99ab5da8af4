"""Plain-text templates: record fields with placeholders such as ``{{ xa.ten }}``.

A batch fills one base record per commune. Its text fields are small Jinja templates
rendered through the project's one sandboxed, strict environment, overlaid without
autoescaping: the result is record text (escaped later, when the document is rendered),
not XML. A misspelt name fails (StrictUndefined) instead of printing a blank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
from jinja2.runtime import new_context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pipeline.rendering.environment import environment
from pipeline.rendering.limits import EXPRESSION_ERRORS, failure_message

_PLACEHOLDER = re.compile(r"\{\{|\{%|\{#")
_UNDEFINED = re.compile(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')")


class TextTemplateError(Exception):
    """A text template failed: bad syntax, an unknown name, or a forbidden access.

    Attributes:
        kind: "syntax", "undefined" or "security".
        name: the unknown name for ``"undefined"`` (e.g. "tne" for ``{{ xa.tne }}``).
        detail: Jinja's own message, for the rest.
    """

    def __init__(self, kind: str, name: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.name = name
        self.detail = detail


@cache
def _text_environment() -> ImmutableSandboxedEnvironment:
    overlay = environment().overlay(autoescape=False)
    assert isinstance(overlay, ImmutableSandboxedEnvironment)
    return overlay


def has_placeholder(text: str) -> bool:
    """Return whether ``text`` holds a Jinja tag and so needs rendering."""
    return _PLACEHOLDER.search(text) is not None


@cache
def compile_text(source: str) -> jinja2.Template:
    """Return the compiled text template of ``source`` (cached per source string).

    Raises:
        TextTemplateError: ``source`` is not valid Jinja.
    """
    try:
        return _text_environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TextTemplateError("syntax", "", exc.message or str(exc)) from None


@cache
def _globals(template: jinja2.Template) -> dict[str, Any]:
    # A compiled template's globals are a ChainMap over the environment's; a plain
    # copy, made once, spares every render the slow walk through the chain.
    return dict(template.globals)


def render_text(source: str, mapping: Mapping[str, Any]) -> str:
    """Return ``source`` with its placeholders filled from ``mapping``.

    Text without a Jinja tag is returned as it is. The template is compiled once per
    process (:func:`compile_text`).

    Raises:
        TextTemplateError: bad syntax, a name ``mapping`` lacks, or a forbidden access.
    """
    if not has_placeholder(source):
        return source
    return render_compiled(compile_text(source), mapping)


def render_compiled(template: jinja2.Template, mapping: Mapping[str, Any]) -> str:
    """Return the text of ``template`` (from :func:`compile_text`) filled from ``mapping``.

    What ``template.render(mapping)`` does, minus its per-call copy of the globals'
    chain and its traceback rewriting (the errors are turned into ours here).

    Raises:
        TextTemplateError: a name ``mapping`` lacks, or a forbidden access.
    """
    env = template.environment
    try:
        context = new_context(
            env, template.name, template.blocks, dict(mapping), False, _globals(template)
        )
        return env.concat(template.root_render_func(context))
    except jinja2.UndefinedError as exc:
        match = _UNDEFINED.search(str(exc))
        name = (match.group(2) or match.group(1)) if match else str(exc)
        raise TextTemplateError("undefined", name, str(exc)) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TextTemplateError("security", "", str(exc)) from None
    except jinja2.TemplateError as exc:
        raise TextTemplateError("error", "", str(exc)) from None
    except EXPRESSION_ERRORS as exc:
        # An expression that cannot be computed (1/0, a macro calling itself): a
        # problem of the text, never a traceback.
        raise TextTemplateError("error", "", failure_message(exc)) from None
