"""Every mail the system sends, registered with its placeholders and sample data.

A test fails when `queue_mail(..., "<kind>", ...)` appears in the code without a kind here.
"""

from datetime import date, time
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from .registry import (
    AD_SOYAD,
    BIRLIK,
    EGITIM,
    EGITIMLERIM_BAGLANTISI,
    GEREKCE,
    OTURUM_BAGLANTISI,
    TARIH,
    YER,
    MailKind,
    Placeholder,
    context_value,
    link,
    partial,
    register,
)

SESSION = (AD_SOYAD, EGITIM, TARIH, YER)
SURE_DAKIKA = Placeholder(
    "sure_dakika", _l("Minutes the link keeps working"), context_value("minutes")
)
PAROLA_BAGLANTISI = Placeholder(
    "baglanti",
    _l("Link to set the password (personal, works once)"),
    link("/password/reset/{token}"),
)
DEGERLENDIRME = (
    *SESSION,
    Placeholder("son_gun", _l("Last day to answer"), context_value("closes_on")),
    Placeholder("baglanti", _l("Personal link to the questionnaire"), context_value("answer_url")),
    BIRLIK,
)
IHTIYAC = (
    AD_SOYAD.labelled(_l("The coordinator's name")),
    Placeholder("belediye", _l("The municipality"), context_value("municipality")),
    Placeholder("yil", _l("The year of the needs"), context_value("year")),
    Placeholder("son_tarih", _l("The deadline"), context_value("deadline")),
    Placeholder(
        "baglanti",
        _l("Link to the municipality's needs form"),
        link("/needs/{call_id}/{municipality_id}"),
    ),
    BIRLIK,
)
NEEDS_SAMPLE = {
    "municipality": "Selçuklu Belediyesi",
    "year": 2028,
    "deadline": "15 Aralık 2027",
    "deadline_short": "15.12.2027",
    "message": "Lütfen birimlerinizin görüşünü de alınız.",
    "call_id": 3,
    "municipality_id": 7,
}
TOKEN = {"token": "ornek-baglanti-kodu", "minutes": 60, "days": 7}

register(
    MailKind(
        "confirm_email",
        _l("E-mail confirmation"),
        _l("To someone who registered on the site: the link that activates the account."),
        (
            AD_SOYAD,
            Placeholder(
                "baglanti", _l("Confirmation link (personal)"), link("/register/confirm/{token}")
            ),
            Placeholder("sure_gun", _l("Days the link keeps working"), context_value("days")),
            BIRLIK,
        ),
        required=("baglanti",),
        sample=TOKEN,
    )
)
register(
    MailKind(
        "password_reset",
        _l("Password reset"),
        _l("When someone asks for a new password: the link to choose one."),
        (PAROLA_BAGLANTISI, SURE_DAKIKA, BIRLIK),
        required=("baglanti",),
        sample=TOKEN,
    )
)
register(
    MailKind(
        "invitation",
        _l("Invitation"),
        _l("When the office opens an account for someone: the link to set a password."),
        (
            AD_SOYAD,
            Placeholder("rol", _l("The role given"), context_value("role_label")),
            PAROLA_BAGLANTISI,
            SURE_DAKIKA,
            BIRLIK,
        ),
        required=("baglanti",),
        sample={**TOKEN, "role_label": "Katılımcı"},
    )
)
register(
    MailKind(
        "welcome",
        _l("Welcome"),
        _l("When a registered account has been confirmed."),
        (AD_SOYAD, Placeholder("baglanti", _l("Link to the site"), link("/")), BIRLIK),
    )
)
register(
    MailKind(
        "registration_attempt",
        _l("Registration attempt with known details"),
        _l("When someone tries to register with the e-mail address or ID number of an account."),
        (
            Placeholder(
                "deneme",
                _l("What was tried (sentence chosen by the system)"),
                partial("_registration_attempt_match.txt"),
                system=True,
            ),
            Placeholder("giris_baglantisi", _l("Link to the login page"), link("/login")),
            Placeholder(
                "parola_baglantisi", _l("Link to ask for a new password"), link("/password/forgot")
            ),
            BIRLIK,
        ),
        sample={"matched": "email"},
    )
)
register(
    MailKind(
        "privacy_deletion_received",
        _l("Deletion request received"),
        _l("When a person asks for their personal data to be deleted."),
        (
            AD_SOYAD,
            Placeholder(
                "yanit_tarihi", _l("Date of the answer at the latest"), context_value("due_on")
            ),
            Placeholder("baglanti", _l("Link to the person's data page"), link("/privacy/my-data")),
            BIRLIK,
        ),
        sample={"due_on": "30.12.2027"},
    )
)
register(
    MailKind(
        "privacy_deletion_done",
        _l("Personal data deleted"),
        _l("The last mail to a person whose personal data has been deleted."),
        (AD_SOYAD, BIRLIK),
    )
)
register(
    MailKind(
        "privacy_deletion_rejected",
        _l("Deletion request rejected"),
        _l("When the office rejects a deletion request: the reason is required by law."),
        (AD_SOYAD, Placeholder("gerekce", _l("The reason given"), context_value("note")), BIRLIK),
        required=("gerekce",),
        sample={"note": "Devam eden bir eğitim kaydınız bulunmaktadır."},
    )
)
register(
    MailKind(
        "registration_received",
        _l("Application received"),
        _l("When a person applies and their coordinator must decide."),
        (*SESSION, EGITIMLERIM_BAGLANTISI, BIRLIK),
    )
)
register(
    MailKind(
        "registration_to_approve",
        _l("Application to approve"),
        _l("To the coordinators of the person's municipality when an application waits."),
        (
            Placeholder(
                "sorumlu_ad_soyad", _l("The coordinator's name"), context_value("coordinator_name")
            ),
            AD_SOYAD.labelled(_l("The applicant's name")),
            EGITIM,
            TARIH,
            YER,
            Placeholder(
                "baglanti", _l("Link to the applications to decide"), link("/coordinator/requests")
            ),
            BIRLIK,
        ),
        required=("baglanti",),
        sample={"coordinator_name": "Mehmet Kaya"},
    )
)
register(
    MailKind(
        "registration_confirmed",
        _l("Registration confirmed"),
        _l("When a registration is confirmed (a calendar file is attached)."),
        (*SESSION, OTURUM_BAGLANTISI, BIRLIK),
    )
)
register(
    MailKind(
        "registration_waitlisted",
        _l("Waiting list"),
        _l("When a person is put on the waiting list."),
        (
            *SESSION,
            Placeholder("sira", _l("Place on the waiting list"), context_value("position")),
            Placeholder(
                "yedek_durumu",
                _l("Why and where the person waits (sentence chosen by the system)"),
                partial("_registration_waitlisted_status.txt"),
                system=True,
            ),
            EGITIMLERIM_BAGLANTISI,
            BIRLIK,
        ),
        sample={"position": 4, "quota_full": False},
    )
)
register(
    MailKind(
        "registration_promoted",
        _l("Moved up from the waiting list"),
        _l("When a seat becomes free and a waiting person is registered."),
        (*SESSION, EGITIMLERIM_BAGLANTISI, BIRLIK),
    )
)
register(
    MailKind(
        "registration_refused",
        _l("Application refused"),
        _l("When an application is not approved."),
        (*SESSION, GEREKCE, BIRLIK),
    )
)
register(
    MailKind(
        "registration_cancelled",
        _l("Registration cancelled"),
        _l("When a person withdraws or their registration is cancelled."),
        (
            *SESSION,
            Placeholder(
                "iptal_durumu",
                _l("Who cancelled, and the reason (sentences written by the system)"),
                partial("_registration_cancelled_status.txt"),
                system=True,
            ),
            BIRLIK,
        ),
        sample={"by_self": False},
    )
)
register(
    MailKind(
        "registration_reminder",
        _l("Reminder"),
        _l("A few days before a session starts, to each registered person."),
        (
            *SESSION,
            Placeholder(
                "ayrintilar",
                _l("First meeting, place, online note (lines written by the system)"),
                partial("_registration_reminder_details.txt"),
                system=True,
            ),
            OTURUM_BAGLANTISI,
            BIRLIK,
        ),
        sample={
            "first_meeting": SimpleNamespace(
                day=date(2027, 5, 12),
                starts_at=time(9, 30),
                ends_at=time(12, 30),
            ),
            "venue": SimpleNamespace(name="Birlik Eğitim Salonu", address="Selçuklu, Konya"),
            "online": False,
        },
    )
)
register(
    MailKind(
        "registration_session_cancelled",
        _l("Session cancelled (participant)"),
        _l("To the registered people when a session is cancelled."),
        (
            *SESSION,
            Placeholder(
                "gerekce_satiri",
                _l("The line with the reason, if one was given"),
                partial("_reason_line.txt"),
                system=True,
            ),
            BIRLIK,
        ),
    )
)
register(
    MailKind(
        "session_cancelled",
        _l("Session cancelled"),
        _l("To the trainers of a session when it is cancelled."),
        (*SESSION, GEREKCE, BIRLIK),
    )
)
register(
    MailKind(
        "session_changed",
        _l("Schedule changed"),
        _l("To the registered people when meetings or the place of a session change."),
        (
            *SESSION,
            Placeholder(
                "degisiklikler",
                _l("The list of changes (written by the system)"),
                partial("_session_changes.txt"),
                system=True,
            ),
            OTURUM_BAGLANTISI,
            BIRLIK,
        ),
        required=("degisiklikler",),
        sample={
            "changes": SimpleNamespace(
                moved=[("12.05.2027 09:30–12:30", "13.05.2027 09:30–12:30")],
                added=[],
                removed_labels=[],
                place=None,
                link_changed=False,
            )
        },
    )
)
register(
    MailKind(
        "course_interest_opened",
        _l("A session of a followed course is open"),
        _l("To people who asked to be told when a course opens."),
        (*SESSION, OTURUM_BAGLANTISI, BIRLIK),
        required=("baglanti",),
    )
)
register(
    MailKind(
        "evaluation_invitation",
        _l("Evaluation invitation"),
        _l("After a session, to the people who attended: the link to the questionnaire."),
        DEGERLENDIRME,
        required=("baglanti",),
        sample={
            "closes_on": "30.05.2027",
            "answer_url": "https://egitim.example/evaluation/42?t=ornek",
        },
    )
)
register(
    MailKind(
        "evaluation_reminder",
        _l("Evaluation reminder"),
        _l("To people who have not answered the questionnaire yet."),
        DEGERLENDIRME,
        required=("baglanti",),
        sample={
            "closes_on": "30.05.2027",
            "answer_url": "https://egitim.example/evaluation/42?t=ornek",
        },
    )
)
register(
    MailKind(
        "needs_call_opened",
        _l("Needs call opened"),
        _l("To the coordinators of the member municipalities when a needs call opens."),
        (
            *IHTIYAC,
            Placeholder(
                "son_tarih_kisa", _l("The deadline (short)"), context_value("deadline_short")
            ),
            Placeholder("mesaj", _l("The call's message, if any"), context_value("message")),
        ),
        required=("baglanti",),
        sample=NEEDS_SAMPLE,
    )
)
register(
    MailKind(
        "needs_call_reminder",
        _l("Needs call reminder"),
        _l("To the coordinators of municipalities that have not answered a needs call yet."),
        IHTIYAC,
        required=("baglanti",),
        sample=NEEDS_SAMPLE,
    )
)


EXPIRY = (
    EGITIM,
    Placeholder("belge_no", _l("The document's register number"), context_value("register_number")),
    Placeholder("gecerlilik", _l("Last day of validity"), context_value("valid_until")),
    Placeholder(
        "kalan",
        _l("Days left (written by the system)"),
        partial("_expiry_days_left.txt"),
        system=True,
    ),
    Placeholder(
        "yenileme",
        _l("Sessions that renew it, or where to look (lines written by the system)"),
        partial("_expiry_renewal.txt"),
        system=True,
    ),
    BIRLIK,
)
EXPIRY_SAMPLE = {
    "recipient_name": "Mehmet Demir",
    "municipality_name": "Selçuklu Belediyesi",
    "register_number": "KBB-2025-000123",
    "valid_until": "12.05.2027",
    "days_left": 60,
    "course_id": 7,
    "renewal_booked": False,
    "sessions": [
        {
            "course_title": "İlk Yardım Yenileme",
            "dates": "03–04.04.2027",
            "place": "Birlik Eğitim Salonu, Konya",
            "session_id": 51,
        }
    ],
}
register(
    MailKind(
        "expiry_reminder",
        _l("Document expiring"),
        _l("60 and 14 days before a document's validity ends, to its holder."),
        (AD_SOYAD, *EXPIRY),
        required=("gecerlilik",),
        sample={**EXPIRY_SAMPLE, "to_coordinator": False},
    )
)
register(
    MailKind(
        "expiry_reminder_coordinator",
        _l("Document of one of your people expiring"),
        _l("60 and 14 days before a document's validity ends, to the holder's coordinators."),
        (
            Placeholder("ad_soyad", _l("The coordinator's name"), context_value("recipient_name")),
            Placeholder("kisi", _l("The holder's name"), context_value("person_name")),
            Placeholder(
                "belediye", _l("The holder's municipality"), context_value("municipality_name")
            ),
            *EXPIRY,
            Placeholder(
                "rapor_baglantisi",
                _l("Link to the expiring documents report"),
                link("/reports/expiring-documents"),
            ),
        ),
        required=("kisi", "gecerlilik"),
        sample={**EXPIRY_SAMPLE, "to_coordinator": True},
    )
)
