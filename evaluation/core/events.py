"""What happened, announced by the areas where it happens and heard by those above them.

A lower area (plans, scoring) cannot import the notifications that sit above it, so it sends a
signal instead; `notifications` subscribes at start-up. Receivers run inside the sender's
transaction: whatever they add is committed, or rolled back, with the change itself.
Every signal is sent with the changed object as sender and `session=` the session to write in.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the Plan; kwargs: session, actor_id
plan_submitted = _signals.signal("plan-submitted")
plan_returned = _signals.signal("plan-returned")
plan_approved = _signals.signal("plan-approved")
# sender: the Task (its plan's owner received it); kwargs: session, actor_id
task_assigned = _signals.signal("task-assigned")
# sender: the AnnualEvaluation, after a step of P1; kwargs: session, step, actor_id
evaluation_advanced = _signals.signal("evaluation-advanced")
# sender: the AnnualEvaluation whose decision was notified to its person; kwargs: session, actor_id
decision_notified = _signals.signal("decision-notified")
