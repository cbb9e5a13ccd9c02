"""Every documented operation, fuzzed as an administrator (who may call every staff route)."""

from __future__ import annotations

from tests.fuzz.schema import CHECKS, bounded, schema


@schema.parametrize()
@bounded
def test_no_server_error_and_the_documented_answer(case, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)
