"""Huntaze: a self-hostable AI business platform for creators and their agencies."""

__version__ = "0.1.0"
