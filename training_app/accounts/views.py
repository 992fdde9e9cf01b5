"""Login, registration, password reset, profile and the privacy notice."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..core.args import MAX_ID, read_int
from ..core.errors import DomainError
from ..core.forms import show_refusal
from ..core.permissions import guest_only, login_required, public
from ..core.safety import safe_next_url
from ..extensions import db, limiter
from ..municipalities.services import member_municipalities, units_of
from . import services, throttle
from .forms import (
    AcknowledgeForm,
    ChangePasswordForm,
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    fill_person_choices,
    person_details_from,
)

bp = Blueprint("accounts", __name__)


def _password_reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@guest_only
def login():
    """Log in with e-mail and password; 'remember me' keeps the session across browser restarts.
    Only failed attempts count against the limits (per account, and per address): see throttle."""
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.LoginAttempt(form.email.data, get_remote_address())
        if not attempt.begin():
            flash(
                _(
                    "Too many failed login attempts. Try again in %(minutes)d minutes, or set a "
                    "new password with “Forgot your password?”.",
                    minutes=throttle.lockout_minutes(),
                ),
                "danger",
            )
            return render_template("accounts/login.html", form=form), 429
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            db.session.commit()  # keep the audit entry of the failed attempt
            flash(error.message, "danger")
        else:
            attempt.succeeded()
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("core.home"))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session on the server too: a copy of the cookie taken earlier no longer works."""
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    response = redirect(url_for("core.home"))
    # Rosters kept for use offline and marks waiting on the device go with the session.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _form_was_complete(_response) -> bool:
    # Only forms that reached the accounts check count: fixing a typo costs nothing.
    return bool(g.get("registration_checked"))


@bp.route("/register", methods=["GET", "POST"])
@guest_only
@limiter.limit(_register_limit, methods=["POST"], deduct_when=_form_was_complete)
def register():
    """Self-registration of a participant from a member municipality. The answer is the same
    whether the ID number or e-mail address is registered already (see the service)."""
    notice = services.current_privacy_notice()
    form = RegistrationForm()
    fill_person_choices(form, member_municipalities(), _units_for(form.municipality_id.data))
    if notice is None:
        flash(_("Registration is closed until the privacy notice is published."), "warning")
    elif form.validate_on_submit():
        g.registration_checked = True
        try:
            services.register_participant(
                person_details_from(form),
                email=form.email.data,
                password=form.password.data,
                notice=notice,
                consent_newsletter=form.consent_newsletter.data,
                consent_photos=form.consent_photos.data,
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Almost done: check your e-mail. A new account is activated from the link "
                    "we send to %(email)s; if you already have an account, we have written to "
                    "its address instead.",
                    email=form.email.data.strip().lower(),
                ),
                "info",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form, notice=notice)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token):
    """Confirm a self-registered account's e-mail address from the mailed link. Opening the link
    (as mail scanners do) changes nothing: the button does."""
    try:
        services.user_for_confirmation_token(token)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.login"))
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            services.confirm_email(token)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Your account has been activated. You can log in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/confirm_email.html", form=form)


def _units_for(municipality_id):
    number = read_int(str(municipality_id), None, 1, MAX_ID) if municipality_id else None
    return units_of(number) if number else []


@bp.route("/password/forgot", methods=["GET", "POST"])
@guest_only
@limiter.limit(_password_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("If an account exists for this address, we have sent a link to set a new password."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    """Set a new password from an e-mailed link (also used by invitations)."""
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            throttle.forget_failures(user.email)
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password has been set. You can log in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The person's own data; the only page that shows their whole ID number."""
    user = current_user
    person = user.person
    form = ProfileForm(obj=person if request.method == "GET" else None)
    if request.method == "GET":
        form.email.data = user.email
        if person is not None:
            form.tckn.data = person.reveal_tckn()
            form.position.data = person.position.value if person.position else ""
            form.employment_type.data = (
                person.employment_type.value if person.employment_type else ""
            )
            form.consent_newsletter.data = bool(person.consent_newsletter_at)
            form.consent_photos.data = bool(person.consent_photos_at)
    fill_person_choices(form, member_municipalities(), _units_for(form.municipality_id.data))
    if form.validate_on_submit():
        try:
            services.update_profile(user, person_details_from(form), form.email.data)
            services.set_consents(
                user.person, form.consent_newsletter.data, form.consent_photos.data
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, password_form=ChangePasswordForm())


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            # The session version changed: log in again in this browser only.
            login_user(current_user._get_current_object())
            flash(
                _("Your password has been changed. Other sessions have been logged out."), "success"
            )
            return redirect(url_for("accounts.profile"))
    person = current_user.person
    profile_form = ProfileForm(obj=person)
    profile_form.email.data = current_user.email
    if person is not None:
        profile_form.tckn.data = person.reveal_tckn()
    fill_person_choices(
        profile_form,
        member_municipalities(),
        _units_for(person.municipality_id if person else None),
    )
    return render_template("accounts/profile.html", form=profile_form, password_form=form), 400


@bp.route("/privacy")
@public
def privacy_notice():
    """The current privacy notice (aydınlatma metni), readable by anyone."""
    notice = services.current_privacy_notice()
    return render_template("accounts/privacy.html", notice=notice)


@bp.route("/privacy/acknowledge", methods=["GET", "POST"])
@login_required
def acknowledge_privacy():
    """Shown after login when a newer privacy notice version has been published."""
    notice = services.current_privacy_notice()
    if notice is None or not services.needs_privacy_acknowledgement(current_user):
        return redirect(url_for("core.home"))
    form = AcknowledgeForm()
    if form.validate_on_submit():
        services.acknowledge_privacy_notice(current_user, notice)
        db.session.commit()
        flash(_("Thank you. Your acknowledgement has been recorded."), "success")
        return redirect(safe_next_url(request.args.get("next")) or url_for("core.home"))
    first_time = not services.has_acknowledged_any(current_user)
    return render_template(
        "accounts/acknowledge.html", form=form, notice=notice, first_time=first_time
    )
