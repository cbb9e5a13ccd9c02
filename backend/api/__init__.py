"""HTTP layer of the core: staff and public APIs, health, media files and API docs.

A view parses input, calls one service, commits and dumps the result.
"""
