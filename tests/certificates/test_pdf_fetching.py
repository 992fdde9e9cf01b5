"""WeasyPrint fetches nothing a user controls: text typed into a course reaches the PDF as text,
and even markup that names a remote or file: address is never fetched."""

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from tests.conftest import login
from training_app.catalog.models import Course
from training_app.certificates import services
from training_app.core.pdf import STATIC_PREFIX, font_config, url_fetcher
from training_app.extensions import db


@pytest.fixture
def loopback_server():
    """A web server on loopback that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_a_course_title_with_markup_is_printed_as_text_and_fetched_nowhere(
    client, closed_session, loopback_server
):
    address, hits = loopback_server
    title = (
        f'Eğitim <img src="{address}/title.png"> <link rel=stylesheet href="file:///etc/passwd">'
    )
    session, admin, _regs = closed_session(people=1)
    course = db.session.get(Course, session.course_id)
    course.title = title
    db.session.commit()
    certificate = services.issue_certificates(session, admin).issued[0]
    db.session.commit()
    login(client, admin.email)
    response = client.get(f"/certificates/{certificate.id}/document.pdf")
    assert response.status_code == 200
    # The title flows in the sentence and may wrap anywhere: compare without white space.
    text = "".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert f'<imgsrc="{address}/title.png">' in text
    assert hits == []


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="{address}/remote.png">',
        '<link rel=stylesheet href="{address}/remote.css">',
        '<link rel=stylesheet href="file:///etc/passwd">',
        '<img src="file:///etc/hostname">',
        '<link rel=stylesheet href="{static}../config.py">',
        '<img src="design-image:/{unknown}">',
    ],
)
def test_the_fetcher_refuses_remote_and_file_addresses(app, loopback_server, markup):
    """Were markup ever to carry an address, rendering stops instead of fetching it."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    address, hits = loopback_server
    html = markup.format(address=address, static=STATIC_PREFIX, unknown="0" * 64) + "<p>Merhaba</p>"
    with app.test_request_context(), pytest.raises(FatalURLFetchingError) as refused:
        HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=url_fetcher()).write_pdf(
            font_config=font_config()
        )
    assert "Refused to fetch" in str(refused.value.__cause__)
    assert hits == []
