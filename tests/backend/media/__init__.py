from backend.i18n import translate


def said(error, lang: str) -> str:
    """A PhotoError's message (a msgid) as a person reads it in ``lang``."""
    return translate(error.message, lang, **error.params)
