"""Discovery, services and service definitions; the jurisdiction of each call."""

from __future__ import annotations

from backend.db import commit, db
from backend.models import Category
from backend.models.category import CategoryQuestion
from backend.services import provinces
from tests.backend.open311.conformance import check_xml, validate_json

J = "jurisdiction_id=can-tho"


def test_discovery_names_this_endpoint_and_its_contact(client, app):
    app.config["OPEN311_CONTACT"] = "IOC Cần Thơ, 1022"
    body = client.get("/open311/v2/discovery.json").get_json()
    validate_json("discovery", body)
    (endpoint,) = body["endpoints"]
    assert (
        endpoint["url"] == "http://localhost/open311/v2" and body["contact"] == "IOC Cần Thơ, 1022"
    )
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = check_xml(client.get("/open311/v2/discovery.xml").data, "discovery")
    assert (
        root.find("endpoints/endpoint/specification").text == "http://wiki.open311.org/GeoReport_v2"
    )


def test_services_in_both_formats_and_languages(client, city):
    body = client.get(f"/open311/v2/services.json?{J}").get_json()
    validate_json("services", body)
    road = next(s for s in body if s["service_code"] == "giao-thong")
    assert road["service_name"] == "Hư hỏng đường, ổ gà" and road["type"] == "realtime"
    assert road["group"] and "Road damage" in road["keywords"]
    english = client.get(f"/open311/v2/services.json?{J}&lang=en").get_json()
    assert next(s for s in english if s["service_code"] == "giao-thong")["service_name"] == (
        "Road damage, potholes"
    )
    root = check_xml(client.get(f"/open311/v2/services.xml?{J}").data, "services")
    assert len(root.findall("service")) == len(body)
    # No extension: XML, the specification's required format.
    assert client.get(f"/open311/v2/services?{J}").data.startswith(b'<?xml version="1.0"')


def test_a_closed_category_is_not_offered(client, city):
    category = db.session.query(Category).filter_by(code="chieu-sang").one()
    category.active = False
    commit()
    codes = [s["service_code"] for s in client.get(f"/open311/v2/services.json?{J}").get_json()]
    assert "chieu-sang" not in codes and "giao-thong" in codes


def test_a_definition_lists_the_questions_in_order_with_their_values(client, city):
    category = db.session.query(Category).filter_by(code="giao-thong").one()
    values = [{"key": "sau", "name_vi": "Sâu", "name_en": "Deep"}]
    category.questions.extend(
        [
            CategoryQuestion(
                code="muc-do",
                datatype="singlevaluelist",
                required=True,
                position=2,
                description_vi="Mức độ",
                description_en="How bad",
                values=values,
            ),
            CategoryQuestion(
                code="so-o-ga",
                datatype="number",
                required=False,
                position=1,
                description_vi="Số ổ gà",
                description_en="How many potholes",
            ),
        ]
    )
    commit()
    body = client.get(f"/open311/v2/services/giao-thong.json?{J}").get_json()
    validate_json("service_definition", body)
    assert [a["code"] for a in body["attributes"]] == ["so-o-ga", "muc-do"]
    assert body["attributes"][1]["values"] == [{"key": "sau", "name": "Sâu"}]
    assert "values" not in body["attributes"][0]
    listed = client.get(f"/open311/v2/services.json?{J}").get_json()
    assert next(s for s in listed if s["service_code"] == "giao-thong")["metadata"] is True
    root = check_xml(
        client.get(f"/open311/v2/services/giao-thong.xml?{J}&lang=en").data, "service_definition"
    )
    assert root.find("attributes/attribute/description").text == "How many potholes"
    assert root.find("attributes/attribute[2]/values/value/name").text == "Deep"
    missing = client.get(f"/open311/v2/services/khong-co.json?{J}")
    assert (
        missing.status_code == 404 and "service_not_found" in missing.get_json()[0]["description"]
    )


def test_jurisdiction_is_needed_only_when_several_provinces_are_hosted(client, city):
    assert client.get("/open311/v2/services.json").status_code == 400
    by_code = client.get("/open311/v2/services.json?jurisdiction_id=92")
    assert by_code.status_code == 200
    assert client.get("/open311/v2/services.json?jurisdiction_id=").status_code == 400  # absent
    for province in provinces.hosted():
        if province.slug != "can-tho":
            provinces.set_hosted(province.slug, False)
    commit()
    assert client.get("/open311/v2/services.json").get_json() == by_code.get_json()
    assert client.get("/open311/v2/services.json?jurisdiction_id=99").status_code == 404
