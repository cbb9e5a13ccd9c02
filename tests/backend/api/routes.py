"""Walking every route with one signed-in resident and one admin: the routes that end the
token's session (sign-out, sign-out everywhere, account deletion) come last, so that the
tokens still work for every other route."""

from __future__ import annotations

#: In this order: an account deletion sent a broken body deletes nothing; a sign-out
#: ignores its body and ends the session.
ENDS_SESSION = ("/me/delete", "/auth/sign-out", "/auth/sign-out-everywhere")


def _rank(rule) -> int:
    for rank, suffix in enumerate(ENDS_SESSION, start=1):
        if rule.rule.endswith(suffix):
            return rank
    return 0


def session_safe_order(rules):
    return sorted(rules, key=_rank)
