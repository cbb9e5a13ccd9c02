"""Notification templates, outbox, FCM sender and jobs (built on ``backend``)."""
