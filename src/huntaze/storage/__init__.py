"""Storage behind Protocols: blob storage for assets, reports and screenshots (DESIGN.md §4)."""
