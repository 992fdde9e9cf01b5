"""The simulated browser of `benchmarks.pages`, run by locust in a process of its own.

Environment: BENCH_PAGES, a JSON list of [name, path]; BENCH_LOGIN, the e-mail address to log in
with first (empty: anonymous); BENCH_PASSWORD. Each simulated user logs in once, keeps its cookie
and then requests the pages in turn without pause (a closed loop at fixed concurrency). Any answer
but 200, a redirect included, counts as a failure.
"""

import json
import os
import re

from locust import FastHttpUser, constant, task

PAGES = json.loads(os.environ.get("BENCH_PAGES", '[["home", "/"]]'))
LOGIN = os.environ.get("BENCH_LOGIN", "")
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Requests made while logging in carry this name; the benchmark leaves them out of its table.
SETUP = "(login)"


class Visitor(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.turn = 0
        if not LOGIN:
            return
        page = self.client.get("/login", name=SETUP).text
        self.client.post(
            "/login",
            data={"csrf_token": TOKEN.search(page).group(1), "email": LOGIN, "password": PASSWORD},
            name=SETUP,
        )

    @task
    def visit(self) -> None:
        name, path = PAGES[self.turn % len(PAGES)]
        self.turn += 1
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
