"""The operations page's links and legend: each linked figure's list holds what it counts,
figures without an exact list are not links, the period's rates show what they are of."""

from __future__ import annotations

import re
from datetime import date

import pytest

from backend.db import utcnow
from backend.services import operations
from backend.services.statistics import Period
from tests.backend.desk_scenario import build, user

PERIOD = "from=2026-11-01&to=2026-11-30"
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


def tile(html: str, ident: str) -> str:
    found = re.search(rf'<li[^>]*>\s*<(a|span)[^>]*id="{ident}"[^>]*>.*?</\1></li>', html, re.S)
    assert found, ident
    return found.group(0)


def test_routing_figures_are_not_links_to_the_unrouted_queue(console, codes):
    html = console("coordinator").get(f"/console/operations?{PERIOD}").get_data(as_text=True)
    for ident in ("fig-routed-auto", "fig-routed-hand"):
        assert "href" not in tile(html, ident)
    # The only link to the unrouted queue is the "new, not routed" figure.
    assert html.count('href="/console/triage?queue=unrouted"') == 1
    assert 'id="q-unrouted" href="/console/triage?queue=unrouted"' in html


def test_the_escalated_figure_and_the_triage_list_each_say_what_they_count(console, codes):
    client = console("coordinator")
    html = client.get(f"/console/operations?{PERIOD}").get_data(as_text=True)
    now = utcnow()
    board = operations.board(user("coordinator"), NOVEMBER, now)
    assert "href" not in tile(html, "q-escalated")
    linked = tile(html, "q-overdue-or-escalated")
    assert 'href="/console/triage?queue=overdue_or_escalated"' in linked
    assert f'data-queue="overdue_or_escalated">{board["queues"]["overdue_or_escalated"]}<' in linked
    assert "Quá hạn và chuyển cấp trên" in linked  # the triage tab's own name
    # The triage's tab shows the same count as the figure.
    triage = client.get("/console/triage?queue=overdue_or_escalated").get_data(as_text=True)
    assert str(board["queues"]["overdue_or_escalated"]) in triage


def test_period_cards_say_they_open_the_public_scoreboard(console, codes):
    html = (
        console("coordinator").get(f"/console/operations?{PERIOD}&lang=en").get_data(as_text=True)
    )
    for ident in ("fig-received", "fig-resolved", "fig-rated", "fig-on-time", "fig-satisfaction"):
        found = tile(html, ident)
        assert "/departments?from=2026-11-01&amp;to=2026-11-30" in found
        assert 'title="Open the public scoreboard for this period"' in found


def test_rates_show_what_they_are_of_and_nothing_without_cases(console, codes):
    client = console("coordinator")
    now = utcnow()
    wanted = operations.board(user("coordinator"), NOVEMBER, now)
    f = wanted["figures"]
    html = client.get(f"/console/operations?{PERIOD}").get_data(as_text=True)
    if f["received"]:
        assert f'data-of="on_time_rate">{f["resolved_on_time"]}/{f["received"]}<' in html
        satisfied = f["received"] - f["overdue"] - f["reraised"] - f["unsatisfied"]
        assert f'data-of="satisfaction_rate">{satisfied}/{f["received"]}<' in html
    # No case in the period: no rate (not 0 % nor 100 %), no fraction.
    empty = client.get("/console/operations?from=2020-01-01&to=2020-01-02").get_data(as_text=True)
    assert 'data-figure="on_time_rate">–<' in empty
    assert 'data-figure="satisfaction_rate">–<' in empty
    assert "data-of=" not in empty


def test_the_legend_explains_mixed_cells_and_the_dashed_wards(console, codes):
    html = console("coordinator").get("/console/operations?lang=en").get_data(as_text=True)
    assert 'id="legend-mixed"' in html and "overdue · due soon · on time" in html
    assert 'id="legend-outlines"' in html and "ward boundaries" in html
