"""Whether a SECRET_KEY is fit to sign production tokens (pure logic, no environment)."""

from __future__ import annotations

#: Shortest SECRET_KEY production accepts (token_urlsafe(48) gives 64 characters).
MIN_SECRET_KEY_LENGTH = 32
#: Placeholders and examples people paste (compared without case, spaces and punctuation).
WELL_KNOWN_SECRET_KEYS = frozenset(
    {
        "changeme",
        "changethis",
        "changeit",
        "pleasechangeme",
        "replaceme",
        "secret",
        "secretkey",
        "mysecretkey",
        "yoursecretkey",
        "yoursecretkeyhere",
        "supersecret",
        "supersecretkey",
        "topsecret",
        "dev",
        "devsecret",
        "development",
        "developmentsecretkey",
        "test",
        "testing",
        "testsecret",
        "password",
        "default",
        "example",
        "demo",
        "phananh",
        "phananhsecret",
        "phananhsecretkey",
        "benchonlysecret",
        "flasksecretkey",
        "notasecret",
        "insecure",
    }
)


def weak_secret_key(key: str) -> str | None:
    """Why ``key`` is unfit to sign production tokens, or None when it is fit."""
    folded = "".join(ch for ch in key.casefold() if ch.isalnum())
    if folded in WELL_KNOWN_SECRET_KEYS or not folded or key.strip(".") == "":
        return "is a well-known placeholder"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is too short ({len(key)} characters, at least {MIN_SECRET_KEY_LENGTH})"
    for period in range(1, len(key) // 2 + 1):
        if key == (key[:period] * (len(key) // period + 1))[: len(key)]:
            return f"repeats a {period}-character pattern"
    for word in WELL_KNOWN_SECRET_KEYS:
        if len(word) >= 4 and folded.replace(word, "") == "":
            return f"is made of the placeholder {word!r}"
    if len(set(key)) < 10:
        return f"uses only {len(set(key))} different characters"
    return None
