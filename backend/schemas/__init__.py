"""Marshmallow schemas, one per purpose (input arguments, public, staff and resident views)."""
