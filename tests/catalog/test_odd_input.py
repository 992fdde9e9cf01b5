"""Input PostgreSQL would refuse is "not found" or ignored, never a server error."""


def test_huge_ids_and_pages_are_not_errors(client):
    huge = "9" * 30
    for path in (
        f"/catalogue/sessions/{huge}",
        f"/catalogue/courses/{huge}",
        f"/catalogue/sessions/{huge}/calendar.ics",
        f"/api/v1/sessions/{huge}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/api/v1/sessions?category={huge}").status_code == 400
    assert client.get(f"/catalogue?category={huge}&page={huge}").status_code == 200
    # NUL characters, which PostgreSQL refuses in text, are dropped from searches.
    assert client.get("/catalogue?q=a%00b&city=x%00").status_code == 200
    assert client.get("/api/v1/sessions?q=%00&city=%00").status_code == 200
