"""The read-only JSON API: upcoming public sessions, one session, the OpenAPI document."""

from datetime import time, timedelta

from training_app.accounts.models import Position
from training_app.catalog.models import SessionStatus
from training_app.core.timeutil import local_today


def test_list_has_upcoming_public_sessions_with_filters(client, make_session, make_course):
    make_session(course=make_course(title="Çumra'da İmar Uygulamaları"), city="Çumra")
    make_session(course=make_course(title="Başkanlar Semineri", positions={Position.MAYOR}))
    make_session(course=make_course(title="Taslak"), status=SessionStatus.DRAFT)
    data = client.get("/api/v1/sessions").get_json()
    assert data["total"] == 2 and data["page"] == 1
    assert {item["course"]["title"] for item in data["items"]} == {
        "Çumra'da İmar Uygulamaları",
        "Başkanlar Semineri",
    }
    data = client.get("/api/v1/sessions?q=cumra").get_json()
    assert [item["city"] for item in data["items"]] == ["Çumra"]
    data = client.get("/api/v1/sessions?position=staff").get_json()
    assert [item["course"]["title"] for item in data["items"]] == ["Çumra'da İmar Uygulamaları"]
    assert client.get("/api/v1/sessions?city=ÇUMRA").get_json()["total"] == 1


def test_list_refuses_bad_parameters_with_json(client):
    for query in (
        "per_page=0",
        "per_page=101",
        "page=x",
        "month=2026-13",
        "delivery=boat",
        "where=mars",
        "position=king",
        "category=-1",
    ):
        response = client.get(f"/api/v1/sessions?{query}")
        assert response.status_code == 400, query
        assert "error" in response.get_json()


def test_session_detail_has_meetings_and_no_private_data(client, make_session, make_trainer):
    day = local_today() + timedelta(days=3)
    session = make_session(
        starts_on=day,
        days=1,
        meetings=[(day, time(9), time(12, 30))],
        trainers=[make_trainer("Gülsüm", "Aydın")],
        online_url="https://meet.example.org/gizli",
    )
    response = client.get(f"/api/v1/sessions/{session.id}")
    data = response.get_json()
    assert response.status_code == 200
    assert data["meetings"] == [
        {
            "day": day.isoformat(),
            "starts_at": f"{day.isoformat()}T09:00:00+03:00",
            "ends_at": f"{day.isoformat()}T12:30:00+03:00",
            "topic": None,
        }
    ]
    assert data["total_hours"] == 3.5 and data["trainers"] == ["Gülsüm Aydın"]
    assert "gizli" not in response.get_data(as_text=True)
    assert "tckn" not in response.get_data(as_text=True)


def test_draft_or_missing_session_is_a_json_404(client, make_session):
    draft = make_session(status=SessionStatus.DRAFT)
    for path in (f"/api/v1/sessions/{draft.id}", "/api/v1/sessions/424242"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json() == {"error": "not found"}


def test_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/sessions",
        "/sessions/{session_id}",
        "/certificates/{verification_code}",
    }


def test_addresses_no_route_matches_are_json_404s(client):
    for path in ("/api/v1/sessions/-280", "/api/v1/sessions/1Ú", "/api/v1/nope", "/api/v1"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/json", path
        assert response.get_json() == {"error": "not found"}, path
    # Outside the API the error page stays a page.
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_parameters_the_document_refuses_are_refused(client):
    for query, parameter in (
        ("month=", "month"),
        ("month=2026-5", "month"),
        ("month=0999-05", "month"),
        ("month=+2026-05", "month"),
        ("where=", "where"),
        ("delivery=", "delivery"),
        ("position=", "position"),
        ("city=" + "k" * 81, "city"),
        ("q=" + " " * 101, "q"),
        ("page=" + "9" * 5000, "page"),
    ):
        response = client.get(f"/api/v1/sessions?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["parameter"] == parameter, query
    for query in ("month=2026-05", "city=", "q=", "city=" + "k" * 80):
        assert client.get(f"/api/v1/sessions?{query}").status_code == 200, query


def test_a_wrong_method_says_which_are_allowed(client):
    response = client.post("/api/v1/sessions")
    assert response.status_code == 405
    assert response.get_json() == {"error": "method not allowed"}
    assert "GET" in response.headers["Allow"]
    response = client.open("/api/v1/certificates/ABC", method="TRACE")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    # Pages too: the error page keeps the Allow header.
    response = client.delete("/catalogue")
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
