"""The questionnaire shipped with the app, in Turkish, after the evaluation forms Turkish public
training units use: content, use for the job, the trainer, materials, venue and organisation,
overall satisfaction, and two open questions. Loaded by `flask seed` (idempotent)."""

from sqlalchemy import select

from ..extensions import db
from .models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireSection,
    QuestionnaireStatus,
    QuestionOption,
    QuestionSubject,
)

NAME = "Eğitim Değerlendirme Anketi"
INTRODUCTION = (
    "Katıldığınız eğitimi değerlendirmeniz, eğitimlerimizi geliştirmemize yardımcı olur. "
    "Anket yaklaşık 3 dakika sürer."
)

K, T, V = QuestionSubject.COURSE, QuestionSubject.TRAINER, QuestionSubject.VENUE
SCALE, SINGLE, LONG = QuestionKind.SCALE_1_5, QuestionKind.SINGLE_CHOICE, QuestionKind.LONG_TEXT

#: (section title, [(text, kind, subject, required, options)])
SECTIONS = [
    (
        "Eğitimin içeriği",
        [
            ("Eğitimin içeriği duyurulan amaç ve konularla uyumluydu.", SCALE, K, True, ()),
            ("Konular anlaşılır ve düzenli bir sırayla işlendi.", SCALE, K, True, ()),
            ("Eğitimin süresi konular için yeterliydi.", SCALE, K, True, ()),
        ],
    ),
    (
        "İşime katkısı",
        [
            ("Eğitimde öğrendiklerimi işimde kullanabileceğim.", SCALE, K, True, ()),
            ("Eğitim mesleki bilgi ve becerilerimi artırdı.", SCALE, K, True, ()),
        ],
    ),
    (
        "Eğitmen",
        [
            ("Eğitmen konuya hâkimdi.", SCALE, T, True, ()),
            ("Eğitmen konuyu anlaşılır biçimde anlattı.", SCALE, T, True, ()),
            ("Eğitmen sorulara ve katılıma açıktı.", SCALE, T, True, ()),
        ],
    ),
    (
        "Eğitim materyalleri",
        [
            ("Sunum ve dokümanlar yararlı ve yeterliydi.", SCALE, K, True, ()),
        ],
    ),
    (
        "Eğitim ortamı ve organizasyon",
        [
            ("Eğitim salonu (ışık, ses, oturma düzeni) uygundu.", SCALE, V, True, ()),
            ("Eğitimin duyurusu, kaydı ve organizasyonu iyi yapıldı.", SCALE, K, True, ()),
        ],
    ),
    (
        "Genel değerlendirme",
        [
            ("Eğitimden genel olarak memnun kaldım.", SCALE, K, True, ()),
            (
                "Bu eğitimi çalışma arkadaşlarıma tavsiye eder misiniz?",
                SINGLE,
                K,
                False,
                ("Evet", "Kararsızım", "Hayır"),
            ),
            ("Eğitimin daha iyi olması için önerileriniz nelerdir?", LONG, K, False, ()),
            ("Bundan sonra hangi konularda eğitim almak istersiniz?", LONG, K, False, ()),
        ],
    ),
]


def ensure_default_questionnaire() -> bool:
    """Create and publish the default questionnaire unless one exists; True if created."""
    if db.session.scalar(select(Questionnaire.id).where(Questionnaire.is_default.is_(True))):
        return False
    questionnaire = Questionnaire(
        name=NAME,
        introduction=INTRODUCTION,
        status=QuestionnaireStatus.PUBLISHED,
        is_default=True,
        sections=[
            QuestionnaireSection(
                title=title,
                position=s,
                questions=[
                    Question(
                        text=text,
                        kind=kind,
                        subject=subject,
                        required=required,
                        position=n,
                        options=[
                            QuestionOption(label=label, position=o)
                            for o, label in enumerate(options, 1)
                        ],
                    )
                    for n, (text, kind, subject, required, options) in enumerate(questions, 1)
                ],
            )
            for s, (title, questions) in enumerate(SECTIONS, 1)
        ],
    )
    db.session.add(questionnaire)
    db.session.flush()
    return True
