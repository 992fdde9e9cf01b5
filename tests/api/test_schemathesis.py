"""Schemathesis drives the API from its OpenAPI document: no server error, no schema breach.

Schemathesis' pytest plugin does not run under pytest 9 yet (it reads a private node attribute),
so the test walks the operations with Hypothesis directly.
"""

from datetime import time, timedelta

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402


def test_api_conforms_to_its_document(app, make_session, make_course, make_trainer):
    from training_app.core.timeutil import local_today

    day = local_today() + timedelta(days=4)
    make_session(
        course=make_course(title="Yerel Demokrasi"),
        trainers=[make_trainer()],
        starts_on=day,
        days=1,
        meetings=[(day, time(9), time(12))],
    )
    make_session(city="Köln", country="Almanya")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 3  # sessions, one session, verify a certificate
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            case.call_and_validate()

        check()
