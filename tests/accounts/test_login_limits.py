"""Login limits that fit municipalities (issue 12, security item 3): only failed attempts count,
per account from any address and per address with a much higher limit."""

import subprocess
import sys

import pytest

from tests.conftest import PASSWORD
from training_app.core.serving import check_shared_rate_limits, gunicorn_worker_count

NAT = "203.0.113.7"  # one municipality's staff behind one address
REFUSAL = "Çok fazla hatalı giriş denemesi yapıldı. 15 dakika sonra yeniden deneyin"


def _login(client, email, password=PASSWORD, address=NAT):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_fifty_colleagues_behind_one_address_all_get_in(app, make_user):
    users = [make_user(email=f"personel{n}@ilgin.bel.tr") for n in range(50)]
    statuses = []
    for n, user in enumerate(users):
        browser = app.test_client()
        if n % 10 == 0:  # some mistype their password once first
            assert _login(browser, user.email, "yanlis.sifre.1").status_code == 200
        statuses.append(_login(browser, user.email).status_code)
    assert statuses == [302] * 50


def test_guessing_one_account_is_stopped_after_five_tries_from_any_address(client, make_user):
    user = make_user(email="hedef@ilgin.bel.tr")
    colleague = make_user(email="komsu@ilgin.bel.tr")
    pages = [
        _login(client, user.email, f"tahmin.{n}.sifre", address=f"198.51.100.{n}") for n in range(5)
    ]
    assert [p.status_code for p in pages] == [200] * 5
    assert "E-posta adresi veya şifre hatalı." in pages[-1].get_data(as_text=True)
    # The sixth guess is refused before the password is looked at, even the right password.
    for password in ("tahmin.6.sifre", PASSWORD):
        response = _login(client, user.email, password, address="192.0.2.99")
        assert response.status_code == 429
        assert REFUSAL in response.get_data(as_text=True)
    # Only that account is held back: a colleague behind the same addresses logs in.
    assert _login(client, colleague.email, address="192.0.2.99").status_code == 302


def test_unknown_addresses_count_like_accounts(client):
    """Nothing tells an unknown e-mail address from a real one: the same limit."""
    for n in range(5):
        assert _login(client, "yok@ilgin.bel.tr", f"tahmin.{n}.sifre").status_code == 200
    assert _login(client, "yok@ilgin.bel.tr").status_code == 429


def test_one_address_trying_many_accounts_is_stopped_at_the_address_limit(app, client):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "8 per 15 minutes"
    statuses = [
        _login(client, f"kisi{n}@example.org", "yanlis.sifre.1").status_code for n in range(10)
    ]
    assert statuses == [200] * 8 + [429] * 2
    # Another address is not concerned.
    assert _login(client, "kisi0@example.org", "yanlis.sifre.1", "192.0.2.5").status_code == 200


def test_a_new_password_from_a_mailed_link_lifts_the_account_limit(client, make_user):
    from tests.accounts.test_login_and_passwords import _reset_link

    user = make_user()
    for n in range(5):
        _login(client, user.email, f"tahmin.{n}.sifre", address=f"198.51.100.{n}")
    assert _login(client, user.email).status_code == 429
    client.post("/password/forgot", data={"email": user.email})
    link = _reset_link(user.email)
    response = client.post(
        link, data={"password": "Yeni.Sifre.2026", "password_confirm": "Yeni.Sifre.2026"}
    )
    assert response.status_code == 302
    assert _login(client, user.email, "Yeni.Sifre.2026").status_code == 302


@pytest.mark.parametrize(
    ("argv", "environ", "workers"),
    [
        (["training_app:create_app()"], {}, 1),
        (["--workers", "4", "training_app:create_app()"], {}, 4),
        (["-w2", "training_app:create_app()"], {}, 2),
        (["training_app:create_app()"], {"WEB_CONCURRENCY": "3"}, 3),
        (["training_app:create_app()"], {"GUNICORN_CMD_ARGS": "--workers=5"}, 5),
        (["-w", "1", "x:y"], {"WEB_CONCURRENCY": "3", "GUNICORN_CMD_ARGS": "-w 5"}, 1),
    ],
)
def test_the_worker_count_is_read_as_gunicorn_reads_it(argv, environ, workers):
    assert gunicorn_worker_count(argv, environ) == workers


def test_several_workers_counting_apart_are_refused_in_production_and_logged_otherwise(app, caplog):
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    check_shared_rate_limits(app, workers=1)
    assert not caplog.records
    check_shared_rate_limits(app, workers=4)
    assert "4 gunicorn workers would each count" in caplog.text
    app.config["REFUSE_PER_WORKER_RATE_LIMITS"] = True
    with pytest.raises(RuntimeError, match="set REDIS_URL"):
        check_shared_rate_limits(app, workers=4)
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/9"
    check_shared_rate_limits(app, workers=4)  # shared: fine


def test_gunicorn_with_two_workers_and_no_redis_refuses_to_serve_production(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "k" * 40,
        "TCKN_KEY": "t" * 40,
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
            'training_app:create_app("production")',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "2 gunicorn workers would each count" in result.stderr
