"""Content and photo checks and the moderation queue (built on ``backend``)."""
