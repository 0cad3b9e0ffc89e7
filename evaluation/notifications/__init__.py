"""Notifications: in the application (the bell and its list) and by email, sent by a job."""
