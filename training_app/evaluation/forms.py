"""Forms of the questionnaire editor, the session's evaluation settings and knowledge tests.

The answer form itself is built from the questionnaire (services.form_layout), not with WTForms:
its fields are the questionnaire's questions.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models import QUESTION_KIND_LABELS, QUESTION_SUBJECT_LABELS, TRIGGER_LABELS


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(member.value, str(label)) for member, label in labels.items()]


class QuestionnaireForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Shown at the top of the form."),
    )


class SectionForm(FlaskForm):
    title = StringField(_l("Section title"), validators=[DataRequired(), Length(max=200)])


class QuestionForm(FlaskForm):
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    kind = SelectField(_l("Kind"))
    subject = SelectField(_l("About"))
    required = BooleanField(_l("Must be answered"), default=True)
    options = TextAreaField(
        _l("Options"),
        validators=[Optional(), Length(max=3000)],
        description=_l("For choice questions: one option a line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _choices(QUESTION_KIND_LABELS)
        self.subject.choices = _choices(QUESTION_SUBJECT_LABELS)


class ActionForm(FlaskForm):
    """A button that posts: only the CSRF token."""


class CourseQuestionnaireForm(FlaskForm):
    questionnaire = SelectField(_l("Questionnaire"), coerce=int)


class SessionEvaluationForm(FlaskForm):
    trigger = SelectField(_l("Ask the participants"))
    open_days = IntegerField(
        _l("Open for (days)"), validators=[DataRequired(), NumberRange(min=1, max=90)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.trigger.choices = _choices(TRIGGER_LABELS)


class KnowledgeTestForm(FlaskForm):
    is_active = BooleanField(_l("Ask a pre-test and a post-test"))
    exam_is_post_test = BooleanField(
        _l("The course's exam score stands as the post-test"),
    )


class KnowledgeQuestionForm(FlaskForm):
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    option_1 = StringField(_l("Option 1"), validators=[DataRequired(), Length(max=300)])
    option_2 = StringField(_l("Option 2"), validators=[DataRequired(), Length(max=300)])
    option_3 = StringField(_l("Option 3"), validators=[DataRequired(), Length(max=300)])
    option_4 = StringField(_l("Option 4"), validators=[DataRequired(), Length(max=300)])
    correct_option = RadioField(_l("Right option"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.correct_option.choices = [(str(n), str(n)) for n in range(1, 5)]
