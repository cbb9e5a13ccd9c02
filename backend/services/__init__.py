"""Domain services: take the acting user and ``now``, raise domain errors, never commit."""
