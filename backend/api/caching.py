"""Conditional GET for public answers: an ETag (a hash of the body) and 304 when unchanged.

Used by the public API and the portal alike. The body is still computed (figures that
depend on the clock, such as working hours left, change the ETag when they change);
what a 304 saves is the transfer and the client's work.
"""

from __future__ import annotations

from flask import Response, request


def conditional(response: Response) -> Response:
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
    ):
        response.cache_control.no_cache = True
        response.add_etag()
        response.make_conditional(request)
    return response
