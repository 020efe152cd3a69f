"""Example texts shared by the similarity tests."""

from __future__ import annotations

from huntaze.ai.similarity.schemas import ExampleIn

BEACH_QUERY = "can I see more of your beach photos"
BEACH_EXAMPLES = [
    ExampleIn(kind="reply", text="want the full beach set?", outcome="purchase"),
    ExampleIn(kind="reply", text="the beach was crowded", outcome="reply"),
    ExampleIn(kind="reply", text="I had pasta for dinner tonight", outcome="none"),
    ExampleIn(kind="caption", text="New gym routine, leg day done", outcome="tip"),
]
