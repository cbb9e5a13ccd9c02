"""Every documented operation, fuzzed as a signed-in resident."""

from __future__ import annotations

from tests.fuzz.schema import CHECKS, bounded, schema


@schema.parametrize()
@bounded
def test_no_server_error_and_the_documented_answer(case, resident_headers):
    case.call_and_validate(headers=resident_headers, checks=CHECKS)
