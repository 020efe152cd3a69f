"""Reply drafting: understand, decide, then write from the creator's material (DESIGN.md §4).

``decide`` turns what the fan's message means (``huntaze.ai.understanding``) into a decision: no
draft and a person told (a possible minor, harm, a payment dispute), a persona-voiced decline
(meeting, off-platform), or a reply of one intent. ``candidates`` writes that reply from the
creator's own past replies that worked and the template library (``templates``), vets every
candidate with the task's gates, and ranks them; the model only chooses among vetted candidates.
"""
