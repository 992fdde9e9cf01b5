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
