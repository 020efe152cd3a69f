"""Tests of the AI stack (DESIGN.md §4)."""
