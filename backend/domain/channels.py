"""How a report reached the platform: the app, or an operator taking it down by hand."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """``Report.channel``: stored as the value, guarded by a CHECK (migration 0019)."""

    APP = "app"  # the residents' app (or the web app): the resident filed it
    HOTLINE = "hotline"  # a phone call to the hotline
    ZALO = "zalo"
    EMAIL = "email"
    FACEBOOK = "facebook"
    LETTER = "letter"  # a letter or a written petition
    COUNTER = "counter"  # in person, at a reception counter
    OPEN311 = "open311"  # another system through the Open311 API (later)


#: The channels an operator enters a report from on a resident's behalf.
OPERATOR_CHANNELS = (
    Channel.HOTLINE,
    Channel.ZALO,
    Channel.EMAIL,
    Channel.FACEBOOK,
    Channel.LETTER,
    Channel.COUNTER,
)
