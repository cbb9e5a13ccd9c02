"""Importing a province's communes and wards: ``POST /staff/v1/admin/boundaries``
(administrators only; ``backend.services.boundary_import``)."""

from __future__ import annotations

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.errors import ValidationFailed
from backend.geo.unit_file import Properties
from backend.schemas.admin_boundaries import BoundaryResultSchema, BoundaryUploadSchema
from backend.schemas.common import ErrorEnvelopeSchema
from backend.services import boundary_import

blp = Blueprint(
    "admin_boundaries",
    __name__,
    url_prefix="/staff/v1/admin",
    description="Administrative units: import a province's communes and wards from GeoJSON.",
)
SECURITY = [{"staffToken": []}]


def options(args: dict) -> boundary_import.ImportOptions:
    return boundary_import.ImportOptions(
        province=args["province"],
        props=Properties(
            code=args["code_property"],
            name=args["name_property"],
            kind=args["kind_property"],
            legacy=args["legacy_property"],
        ),
        replace=args["replace"],
    )


def read_upload(upload) -> bytes:
    if not hasattr(upload, "read"):
        raise ValidationFailed(fields={"file": ["Not a file."]})
    return upload.read()


@blp.post("/boundaries")
@staff_required(Role.ADMIN)
@blp.arguments(BoundaryUploadSchema, location="multipart")
@blp.response(201, BoundaryResultSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(415, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def import_boundaries(args):
    """Import the communes, wards and special zones of ``province`` from a GeoJSON
    FeatureCollection (multipart field ``file``): each feature's code, name, optional
    kind and the old codes of the units merged into it (properties ``ma_xa``, ``ten_xa``,
    ``loai``, ``ma_cu`` unless told). Units are created or updated by code. A file with
    any problem (broken geometry, a duplicate or missing code or name, a unit outside the
    province, a code of another province's unit) is refused with 422
    ``boundary_file_refused``, ``fields`` listing each problem by feature
    (``features[3]``), and nothing is changed."""
    data = read_upload(args["file"])
    result = boundary_import.import_units(current_staff(), data, options(args), utcnow())
    commit()
    return result
