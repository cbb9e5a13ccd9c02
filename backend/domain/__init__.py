"""Pure domain logic: no Flask, no database. Safe to import anywhere."""
