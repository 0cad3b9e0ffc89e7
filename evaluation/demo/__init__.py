"""The demo organisation: a fictional province loaded from seed_data/ for trials and training."""
