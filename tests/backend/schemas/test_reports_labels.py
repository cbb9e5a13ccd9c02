"""Status labels of the report schemas: looked up once, handed out as fresh dicts."""

import pytest

from backend.domain.workflow import STATUS_LABELS, Status
from backend.schemas.reports import status_label


def test_every_status_has_its_labels():
    for status, (vi, en) in STATUS_LABELS.items():
        assert status_label(status.value) == {"vi": vi, "en": en}
        assert status_label(status) == {"vi": vi, "en": en}


def test_the_caller_owns_the_dict():
    label = status_label(Status.NEW.value)
    label["vi"] = "changed"
    assert status_label(Status.NEW.value)["vi"] == STATUS_LABELS[Status.NEW][0]


def test_not_a_status_is_refused_as_before():
    with pytest.raises(ValueError):
        status_label("no-such-status")
