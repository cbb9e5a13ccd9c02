"""Every documented operation, fuzzed with no credentials."""

from __future__ import annotations

from tests.fuzz.schema import CHECKS, bounded, schema


@schema.parametrize()
@bounded
def test_no_server_error_and_the_documented_answer(case):
    case.call_and_validate(headers={}, checks=CHECKS)
