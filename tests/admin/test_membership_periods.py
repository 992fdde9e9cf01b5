"""The municipality page's membership periods: list, add, end, remove; refusals keep input."""

import re
from datetime import timedelta

from tests.conftest import municipality
from training_app.accounts.models import Role
from training_app.core.timeutil import local_today
from training_app.extensions import db


def test_page_lists_periods_and_the_list_shows_membership(client, login_as):
    login_as(Role.ADMIN)
    ilgin = municipality("Ilgın")
    page = client.get(f"/admin/municipalities/{ilgin.id}").get_data(as_text=True)
    assert "Üyelik dönemleri" in page and "08.04.2019" in page
    assert "Kurulum verisi" in page and "Üyelik aşağıdaki dönemlere göre belirlenir." in page
    listing = client.get("/admin/municipalities").get_data(as_text=True)
    assert "08.04.2019 tarihinden beri üye" in listing


def test_admin_adds_ends_and_removes_periods(client, login_as):
    login_as(Role.ADMIN)
    ilgin = municipality("Ilgın")
    seeded = ilgin.membership_periods[0]
    yesterday = local_today() - timedelta(days=1)
    response = client.post(
        f"/admin/membership-periods/{seeded.id}/end", data={"left_on": yesterday.isoformat()}
    )
    assert response.status_code == 302
    db.session.refresh(ilgin)
    assert not ilgin.is_member
    listing = client.get("/admin/municipalities").get_data(as_text=True)
    assert f"{yesterday:%d.%m.%Y} tarihinde ayrıldı" in listing
    response = client.post(
        f"/admin/municipalities/{ilgin.id}/membership",
        data={"joined_on": local_today().isoformat(), "note": "Birlik Meclisi karar 7"},
        follow_redirects=True,
    )
    assert "Üyelik dönemi eklendi." in response.get_data(as_text=True)
    db.session.refresh(ilgin)
    assert ilgin.is_member and len(ilgin.membership_periods) == 2
    newest = max(ilgin.membership_periods, key=lambda p: p.joined_on)
    response = client.post(f"/admin/membership-periods/{newest.id}/remove", follow_redirects=True)
    assert "Üyelik dönemi kaldırıldı." in response.get_data(as_text=True)
    db.session.refresh(ilgin)
    assert not ilgin.is_member and len(ilgin.membership_periods) == 1
    log = client.get("/admin/audit", query_string={"action": "membership."}).get_data(as_text=True)
    for action in ("membership.end", "membership.add", "membership.remove"):
        assert f'<code class="small">{action}</code>' in log
    assert log.count(f'href="/admin/municipalities/{ilgin.id}"') == 3


def test_refused_period_comes_back_with_its_input_and_a_turkish_reason(client, login_as):
    login_as(Role.ADMIN)
    ilgin = municipality("Ilgın")
    response = client.post(
        f"/admin/municipalities/{ilgin.id}/membership",
        data={"joined_on": "2021-01-01", "note": "Yanlış giriş"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bu belediyenin zaten açık bir üyelik dönemi var (08.04.2019" in page
    assert 'value="2021-01-01"' in page and 'value="Yanlış giriş"' in page
    # The municipality's own form above shows what is stored (it is active), not the refused
    # period form's fields: saving it next would otherwise deactivate the municipality.
    assert re.search(
        r'<input[^>]*checked[^>]*id="is_active"|<input[^>]*id="is_active"[^>]*checked', page
    )
    response = client.post(
        f"/admin/municipalities/{ilgin.id}/membership",
        data={"joined_on": "2010-05-02", "left_on": "2010-05-01"},
    )
    page = response.get_data(as_text=True)
    assert "Üyeliğin son günü, katıldığı günden önce olamaz." in page
    assert 'value="2010-05-01"' in page
    response = client.post(
        f"/admin/municipalities/{ilgin.id}/membership",
        data={"joined_on": "2018-01-01", "left_on": "2019-12-31"},
    )
    assert "Bu dönem 08.04.2019 – açık dönemiyle çakışıyor." in response.get_data(as_text=True)
    response = client.post(
        f"/admin/municipalities/{ilgin.id}/membership", data={"joined_on": "31.02.2020"}
    )
    page = response.get_data(as_text=True)
    assert (
        "Geçerli bir tarih girin: gg.aa.yyyy, ör. 29.11.2026." in page
        and 'value="31.02.2020"' in page
    )
    db.session.refresh(ilgin)
    assert len(ilgin.membership_periods) == 1


def test_refused_end_shows_the_reason_on_its_row(client, login_as):
    login_as(Role.ADMIN)
    period = municipality("Ilgın").membership_periods[0]
    response = client.post(
        f"/admin/membership-periods/{period.id}/end", data={"left_on": "2019-01-01"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Üyeliğin son günü, katıldığı günden önce olamaz." in page
    assert 'value="2019-01-01"' in page
    db.session.refresh(period)
    assert period.left_on is None


def test_a_new_member_outside_konya_gets_a_period_and_appears_at_registration(client, login_as):
    login_as(Role.ADMIN)
    client.post(
        "/admin/municipalities/new",
        data={"name": "Karaman", "kind": "provincial", "province": "Karaman", "is_active": "y"},
    )
    karaman = municipality("Karaman")
    assert karaman.province == "Karaman" and not karaman.is_member
    client.post(
        f"/admin/municipalities/{karaman.id}/membership",
        data={"joined_on": (local_today() - timedelta(days=3)).isoformat()},
    )
    db.session.refresh(karaman)
    assert karaman.is_member
    client.post("/logout")
    assert "Karaman" in client.get("/register").get_data(as_text=True)
