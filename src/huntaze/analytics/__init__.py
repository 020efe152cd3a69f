"""Analytics: the domain events every other domain emits, and what is computed from them
(DESIGN.md §5 ``analytics/``, §6 "Analytics")."""
