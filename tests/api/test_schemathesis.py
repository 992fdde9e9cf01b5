"""Schemathesis drives the API from its OpenAPI document with every check it has, in every phase
(examples, coverage, fuzzing, stateful) and with schema-valid and schema-breaking data: no
check may fail (not only "no server error": wrong status codes, undocumented content types, a
405 without Allow, accepted schema-breaking parameters, bodies that break their schema).

Schemathesis' pytest plugin does not run under pytest 9 yet (it reads a private node attribute),
so the test runs its engine directly against the WSGI app.
"""

from datetime import time, timedelta

import pytest

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import Status, events, from_schema  # noqa: E402

#: Checks that must have run (each response is checked by every enabled check).
EXPECTED_CHECKS = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "unsupported_method",
}


def run_schemathesis(app, max_examples: int = 40):
    """Every check, every phase, positive and negative data; returns (failures, errors,
    phases run, names of the checks run)."""
    config = SchemathesisConfig.from_dict(
        {
            "checks": {"enabled": True},
            "generation": {"mode": "all", "max-examples": max_examples, "database": "none"},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    failures, errors, phases, ran = [], [], set(), set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            phases.add(str(event.phase))
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    ran.add(check.name)
                    if check.status == Status.FAILURE:
                        case = event.recorder.cases[case_id].value
                        failures.append(
                            f"{check.name}: {case.method} {case.formatted_path} "
                            f"path={case.path_parameters} query={case.query}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(repr(event))
    return failures, errors, phases, ran


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
    failures, errors, phases, ran = run_schemathesis(app)
    assert errors == []
    assert sorted(set(failures)) == []
    assert {"examples", "coverage", "fuzzing"} <= phases
    assert ran >= EXPECTED_CHECKS, sorted(EXPECTED_CHECKS - ran)
