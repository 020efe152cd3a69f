"""Compliance engine: rules as data, normalization, detectors, verdicts (DESIGN.md §7).

Use ``huntaze.compliance.service.compliance.check(text, direction=..., context=...)``.
"""
