"""Each person's next step: the to-do page ("Việc cần làm") shown after sign-in."""
