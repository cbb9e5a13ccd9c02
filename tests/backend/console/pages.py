"""Reading the console's queue pages in tests: fetch a page, its rows and its tabs."""

from __future__ import annotations

import re

from flask import g

ROW = re.compile(r'<li class="queue-row" data-code="([^"]+)"')
TAB = re.compile(r'id="tab-([a-z_]+)" href="([^"]+)"[^>]*>.*?data-count="(\d+)"')


def get(client, url: str):
    # The tests share one app context, and with it ``g``, where Flask-Babel keeps the
    # language of "this request": forget it, as a new request in production would.
    g.pop("_flask_babel", None)
    return client.get(url)


def html(client, url: str, status: int = 200) -> str:
    response = get(client, url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def rows(page: str) -> list[str]:
    return ROW.findall(page)


def tabs(page: str) -> dict[str, tuple[str, int]]:
    """queue -> (its tab's URL, its count)."""
    return {q: (url.replace("&amp;", "&"), int(n)) for q, url, n in TAB.findall(page)}
