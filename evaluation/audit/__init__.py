"""The audit trail for the personnel office: who changed what, when, from what, and why."""
