"""The served OpenAPI document, checked with schemathesis against the running API.

For every operation of ``/api/v1/openapi.json``, generated requests are sent with the bearer
token of a supervisor and of an operator: no answer may be a server error, and every answer's
status code, content type and body must be the ones the document declares. Write operations run
against the fixture history (a throwaway database); nothing starts runs or writes files here.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import just
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .web_support import PASSWORD

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 20
# Operations that start work outside the request or write files: not fuzzed here (see tests of their own).
SKIP = {("POST", "/api/v1/runs"), ("POST", "/api/v1/reports"), ("POST", "/api/v1/registry/import")}


def token(web, name: str) -> str:
    r = web.client().post("/api/v1/session", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["token"]


@pytest.mark.parametrize("who", ["sup", "op_jia"])
def test_api_conforms_to_its_openapi_document(web, who):
    auth = {"Authorization": f"Bearer {token(web, who)}"}
    schema = schemathesis.openapi.from_url(f"{web.base}/api/v1/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} >= {
        ("GET", "/api/v1/me"), ("POST", "/api/v1/findings/{finding_id}/review"), ("POST", "/api/v1/findings")}
    started, tried, statuses = time.monotonic(), 0, Counter[int]()
    for op in operations:
        if (op.method.upper(), op.path) in SKIP:
            continue

        @given(case=op.as_strategy(), headers=just(None if op.path == "/api/v1/session" else auth))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case, headers: dict[str, str] | None) -> None:
            response = case.call(base_url=web.base, headers=headers, timeout=30)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

        check()
        tried += 1
    assert tried >= 3
    # the rate of errors: no server error at all, and most generated requests reach the route
    # (an error line in Chinese for the rest: 4xx declared in the document)
    total = sum(statuses.values())
    assert total >= tried * 5 and not [s for s in statuses if s >= 500], statuses
    print(f"{who}: {total} requests over {tried} operations, statuses {dict(sorted(statuses.items()))}")
    assert time.monotonic() - started < 120
    # the token still works: nothing the generated requests did broke the session
    assert web.client().get("/api/v1/me", headers=auth).json()["name"] == who
