"""The session forms take and show dates in Turkish order (gg.aa.yyyy) in plain text inputs,
so an English-language browser does not turn them into mm/dd/yyyy."""

from datetime import date

from training_app.accounts.models import Role


def test_the_session_form_shows_dates_in_turkish_order_in_text_inputs(
    client, login_as, make_session
):
    session = make_session(starts_on=date(2026, 5, 12))
    login_as(Role.ADMIN)
    html = client.get(f"/admin/catalogue/sessions/{session.id}/edit").get_data(as_text=True)
    assert 'type="date"' not in html and 'type="datetime-local"' not in html
    start = html[html.index('id="starts_on"') - 300 : html.index('id="starts_on"') + 300]
    assert 'type="text"' in start and 'value="12.05.2026"' in start
    assert 'placeholder="gg.aa.yyyy"' in start and 'inputmode="numeric"' in start


def test_a_wrong_date_comes_back_as_typed_with_a_turkish_message(client, login_as, make_session):
    session = make_session()
    login_as(Role.ADMIN)
    response = client.post(
        f"/admin/catalogue/sessions/{session.id}/clone", data={"starts_on": "31.02.2027"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Geçerli bir tarih girin: gg.aa.yyyy, ör. 29.11.2026." in html
    assert 'value="31.02.2027"' in html


def test_a_date_typed_in_turkish_order_is_saved(client, login_as, make_session):
    from training_app.catalog.models import Session
    from training_app.extensions import db

    session = make_session()
    login_as(Role.ADMIN)
    response = client.post(
        f"/admin/catalogue/sessions/{session.id}/clone", data={"starts_on": "3.6.2027"}
    )
    assert response.status_code == 302
    copy = db.session.scalars(db.select(Session).where(Session.id != session.id)).one()
    assert copy.starts_on == date(2027, 6, 3)
