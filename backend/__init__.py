"""phananh core: app factory, configuration, models, domain services and the staff/public APIs."""
