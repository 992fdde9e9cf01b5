"""What the app can learn at start about the server running it.

Rate limits (login, registration, verification) are counted in the limiter's storage: with
REDIS_URL, Redis, shared by every worker; without, the memory of each process. Several gunicorn
workers counting in their own memory would each allow the whole limit, so the app looks at
gunicorn's worker count at start (see check_shared_rate_limits).
"""

import ast
import os
import shlex
import sys
from pathlib import Path

#: Assumed when a gunicorn config file computes `workers` (we do not run it a second time).
UNKNOWN_SEVERAL = 2


def _workers_in_config_file(path: Path) -> int | None:
    """`workers = N` at the top of a gunicorn config file, read without running the file."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "workers" for target in node.targets
        ):
            value = node.value
            is_int = isinstance(value, ast.Constant) and isinstance(value.value, int)
            found = value.value if is_int else UNKNOWN_SEVERAL
    return found


def gunicorn_worker_count(argv: list[str] | None = None, environ=None) -> int:
    """How many gunicorn workers serve this app (1 when gunicorn is not running it), taken
    the way gunicorn takes it: WEB_CONCURRENCY, then `workers =` of the config file, then
    GUNICORN_CMD_ARGS, then `--workers`/`-w` on the command line (each overrides the one before).
    """
    environ = os.environ if environ is None else environ
    if argv is None:
        if "gunicorn.arbiter" not in sys.modules:
            return 1
        argv = sys.argv[1:]
    from gunicorn.config import Config

    parser = Config().parser()
    command_line, _rest = parser.parse_known_args(argv)
    from_env, _rest = parser.parse_known_args(shlex.split(environ.get("GUNICORN_CMD_ARGS", "")))
    workers = int(environ.get("WEB_CONCURRENCY") or 1)
    config_file = command_line.config or from_env.config
    if config_file is None and Path("gunicorn.conf.py").exists():
        config_file = "gunicorn.conf.py"
    if config_file and not str(config_file).startswith("python:"):
        workers = _workers_in_config_file(Path(config_file)) or workers
    for parsed in (from_env, command_line):
        if parsed.workers is not None:
            workers = parsed.workers
    return workers


def check_shared_rate_limits(app, workers: int | None = None) -> None:
    """Refuse to start (production) or log an error (otherwise) when several workers would
    each count rate limits in their own memory."""
    workers = gunicorn_worker_count() if workers is None else workers
    shared = not app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")
    if workers <= 1 or shared or not app.config.get("RATELIMIT_ENABLED", True):
        return
    message = (
        f"{workers} gunicorn workers would each count the login, registration and verification "
        "limits in their own memory (each allowing the whole limit): set REDIS_URL so that they "
        "share one count, or run a single worker (see README, Production)."
    )
    if app.config.get("REFUSE_PER_WORKER_RATE_LIMITS"):
        raise RuntimeError(message)
    app.logger.error(message)
