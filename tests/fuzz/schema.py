"""The schemathesis schema of the fuzzed app, and the checks every answer must pass."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.fuzz.conftest import EXAMPLES

#: No 5xx; the body matches the documented schema of its status; the documented media type.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

schema = schemathesis.pytest.from_fixture("fuzz_schema")

bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples in every run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
)


def make_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)
