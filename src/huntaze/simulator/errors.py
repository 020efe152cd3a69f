"""Errors the simulator answers with, always as 4xx JSON (DESIGN.md §3).

Body shape: ``{"error": {"code": "fan_not_found", "message": "..."}}``.
"""

from __future__ import annotations


class SimulatorError(Exception):
    """A client error with an HTTP status, a stable code and a human message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, dict[str, str]]:
        """The JSON body of the error response."""
        return {"error": {"code": self.code, "message": self.message}}


def not_found(what: str, ident: object) -> SimulatorError:
    """A 404 for an object of this account that does not exist."""
    return SimulatorError(404, f"{what}_not_found", f"No {what} with id {ident} on this account.")


def invalid(code: str, message: str) -> SimulatorError:
    """A 422 for input that parses but makes no sense."""
    return SimulatorError(422, code, message)
