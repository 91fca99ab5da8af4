"""Builds the built-in Word templates from the format profiles."""

from pipeline.authoring.builder import BUILTIN, TemplateSpec, build_template

__all__ = ["BUILTIN", "TemplateSpec", "build_template"]
