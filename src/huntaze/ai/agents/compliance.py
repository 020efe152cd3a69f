"""The compliance agent: a model's second opinion on the rule engine's verdict (DESIGN.md §7).

The rule engine decides; the model may only make a verdict stricter (``allow`` → ``review`` →
``block``), never looser, whatever it answers. Without a model the rules' verdict stands.
"""

from __future__ import annotations

from huntaze.ai.agents.base import TaskSpec
from huntaze.ai.gates import SystemEchoGate
from huntaze.ai.schemas import SecondOpinionInput, SecondOpinionOutput, Verdict

AGENT = "compliance"
SEVERITY: tuple[Verdict, ...] = ("allow", "review", "block")


def stricter(a: Verdict, b: Verdict) -> Verdict:
    """The stricter of two verdicts."""
    return max(a, b, key=SEVERITY.index)


def _finalize(data: SecondOpinionInput, out: SecondOpinionOutput) -> SecondOpinionOutput:
    verdict = stricter(data.rule_verdict, out.verdict)
    reasons = list(data.rule_reasons)
    if out.verdict == verdict and verdict != data.rule_verdict:
        reasons += [f"second opinion: {r}" for r in out.reasons] or ["second opinion raised it"]
    return SecondOpinionOutput(verdict=verdict, reasons=reasons[:5])


def _fallback(data: SecondOpinionInput) -> SecondOpinionOutput:
    return SecondOpinionOutput(verdict=data.rule_verdict, reasons=list(data.rule_reasons)[:5])


SECOND_OPINION: TaskSpec[SecondOpinionInput, SecondOpinionOutput] = TaskSpec(
    name="compliance.second_opinion",
    agent=AGENT,
    input_model=SecondOpinionInput,
    output_model=SecondOpinionOutput,
    prompt="compliance/second_opinion.v1",
    fallback=_fallback,
    gated_text=lambda out: " ".join(out.reasons),
    finalize=_finalize,
    gates=(SystemEchoGate(),),
    max_tokens=120,
    temperature=0.0,
)
