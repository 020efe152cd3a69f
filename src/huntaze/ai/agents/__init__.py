"""Agents own the task types of an area: prompts, rules, gates, fallbacks (DESIGN.md §4)."""
