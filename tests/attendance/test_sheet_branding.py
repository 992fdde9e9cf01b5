"""The sign-in sheet carries the union's logo and name in its header (issue 15: documents)."""

import dataclasses
import io

from pypdf import PdfReader

from tests.conftest import login


def _xobjects(data: bytes) -> int:
    page = PdfReader(io.BytesIO(data)).pages[0]
    return len(page["/Resources"].get("/XObject", {}))


def test_the_sign_in_sheet_header_has_the_union_logo_and_name(app, client, taught_session):
    session, trainer, _regs = taught_session(people=1, hours=(3,))
    login(client, trainer.email)
    url = f"/attendance/meetings/{session.meetings[0].id}/sheet.pdf"
    assert (
        "Konya Belediyeler Birliği"
        in PdfReader(io.BytesIO(client.get(url).data)).pages[0].extract_text()
    )
    # A PNG logo shows as an image of the page (the shipped SVG is drawn as vector paths).
    brand = app.extensions["brand"]
    app.extensions["brand"] = dataclasses.replace(brand, logo="img/union-logo.png")
    with_logo = client.get(url).data
    app.extensions["brand"] = dataclasses.replace(brand, logo="")
    without_logo = client.get(url).data
    assert _xobjects(with_logo) == 1 and _xobjects(without_logo) == 0
