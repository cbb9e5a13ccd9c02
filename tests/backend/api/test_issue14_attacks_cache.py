"""Issue 14 seen by an attacker, the shared public cache: an answer built for one Host (or
scheme) carries absolute URLs (photos, ``_external`` links) and must never be served to a
request for another; cold figures are counted by one request while the others wait (no
rebuild storm)."""

from __future__ import annotations

import threading
import time

import pytest

from backend.api import public

EVIL = "evil.example"


@pytest.fixture
def photographed(resident, submit):
    """A published report with a public photo (its thumbnail has an absolute URL)."""
    response = submit(resident("+84906672001"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


@pytest.mark.parametrize("path", ["/public/v1/reports?page_size=3", "/public/v1/reports/{code}"])
def test_another_hosts_photo_urls_are_never_served_from_the_cache(client, photographed, path):
    url = path.format(code=photographed)
    poisoned = client.get(url, headers={"Host": EVIL})
    assert poisoned.status_code == 200 and EVIL.encode() in poisoned.get_data()
    honest = client.get(url)
    assert honest.status_code == 200
    assert EVIL.encode() not in honest.get_data()
    assert b"localhost" in honest.get_data()
    # And the honest answer is what the next honest reader gets (it was kept).
    assert client.get(url).get_data() == honest.get_data()


def test_another_schemes_urls_are_never_served_from_the_cache(client, photographed):
    url = "/public/v1/reports?page_size=4"
    tls = client.get(url, base_url="https://localhost")
    assert b"https://localhost/" in tls.get_data()
    plain = client.get(url)
    assert b"https://localhost/" not in plain.get_data()


def _in_threads(app, url: str, count: int, answers: list) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=lambda: answers.append(app.test_client().get(url)))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads


@pytest.fixture
def slow_figures(monkeypatch):
    """``statistics.report`` held until the test lets it go; ``fail``: it raises then."""
    built, entered, go_on, fail = [], threading.Event(), threading.Event(), []
    report = public.statistics.report

    def slow(*args, **kwargs):
        built.append(1)
        entered.set()
        assert go_on.wait(20)
        if fail and len(built) == 1:
            raise RuntimeError("the first build fails")
        return report(*args, **kwargs)

    monkeypatch.setattr(public.statistics, "report", slow)
    return built, entered, go_on, fail


def test_cold_figures_are_counted_once_while_the_others_wait(app, city, slow_figures):
    """No rebuild storm: a cold (or just invalidated) national figure is built by one
    request; the others arriving meanwhile wait for its answer instead of counting too."""
    built, entered, go_on, _fail = slow_figures
    url = "/public/v1/stats?group=department"
    answers: list = []
    first = _in_threads(app, url, 1, answers)
    assert entered.wait(20)
    others = _in_threads(app, url, 3, answers)
    time.sleep(0.5)
    assert len(built) == 1  # they wait, they do not build
    go_on.set()
    for thread in (*first, *others):
        thread.join(30)
    assert len(built) == 1 and len(answers) == 4
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_data() for a in answers}) == 1
    assert len({a.headers["ETag"] for a in answers}) == 1


def test_a_failed_cold_build_lets_a_waiting_request_build(app, city, slow_figures):
    built, entered, go_on, fail = slow_figures
    fail.append(True)
    url = "/public/v1/stats?group=channel"
    answers: list = []
    first = _in_threads(app, url, 1, answers)
    assert entered.wait(20)
    other = _in_threads(app, url, 1, answers)
    time.sleep(0.3)
    go_on.set()
    for thread in (*first, *other):
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [200, 500]
    assert len(built) == 2  # the waiter built it at once (the lock was released)


@pytest.mark.parametrize(
    "path",
    ["/public/v1/departments/khong-co", "/departments/khong-co", "/p/can-tho/departments/khong-co"],
)
def test_if_none_match_star_is_no_304_for_a_unit_that_does_not_exist(client, city, path):
    """``If-None-Match: *`` matches a current representation only (RFC 9110 13.1.2): an
    unknown unit's figures are its 404, not a 304 made up before anything was looked up."""
    answer = client.get(path, headers={"If-None-Match": "*"})
    assert answer.status_code == 404, answer.status_code
