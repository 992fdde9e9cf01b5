"""Command-line tasks: flask --app training_app seed | demo | create-admin | deliver-mail, and
`worker`, which runs the background jobs queued in Redis."""

import click
from flask import Flask, current_app

from .core.jobs import QUEUES
from .extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed_command():
        """Load the member municipalities, their units and the privacy notice (idempotent)."""
        from .accounts.privacy_text import ensure_privacy_notice
        from .evaluation.default_questionnaire import ensure_default_questionnaire
        from .municipalities.services import seed_member_municipalities

        added = seed_member_municipalities()
        created = ensure_privacy_notice()
        questionnaire = ensure_default_questionnaire()
        db.session.commit()
        click.echo(
            f"Municipalities added: {added}; privacy notice created: {'yes' if created else 'no'}"
            f"; default questionnaire created: {'yes' if questionnaire else 'no'}"
        )

    @app.cli.command("demo")
    def demo_command():
        """Load realistic demo people and accounts (idempotent) and print the demo logins."""
        from .demo import load_demo_data
        from .demo.people import DEMO_LOGINS, DEMO_PASSWORD

        counts = load_demo_data()
        db.session.commit()
        click.echo(f"Demo data: {counts}")
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email in DEMO_LOGINS:
            click.echo(f"  {role:<12} {email}")

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--first-name", prompt=True)
    @click.option("--last-name", prompt=True)
    @click.password_option()
    def create_admin_command(email, first_name, last_name, password):
        """Create an administrator account."""
        from .accounts.models import Role
        from .accounts.services import create_staff_user
        from .core.errors import DomainError

        try:
            user = create_staff_user(
                email, first_name, last_name, Role.ADMIN, by=None, password=password
            )
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from error
        db.session.commit()
        click.echo(f"Administrator created: {user.email}")

    @app.cli.command("reminders")
    @click.option(
        "--days",
        default=3,
        show_default=True,
        help="Remind people of sessions starting within this many days.",
    )
    def reminders_command(days):
        """Queue reminder mails before first meetings; running it twice sends nothing twice."""
        from .enrollment.reminders import send_reminders

        queued = send_reminders(days_before=days)
        db.session.commit()
        click.echo(f"Reminders queued: {queued}")

    @app.cli.command("send-expiry-reminders")
    def send_expiry_reminders_command():
        """Mail holders and their coordinators 60 and 14 days before a document expires, with
        the open sessions that renew it; run daily (running it twice sends nothing twice)."""
        from .certificates.reminders import send_expiry_reminders

        queued = send_expiry_reminders()
        db.session.commit()
        click.echo(f"Expiry reminders queued: {queued}")

    @app.cli.command("refresh-memberships")
    def refresh_memberships_command():
        """Bring each municipality's membership in line with its periods (a period entered in
        advance starts or ends on its day); run daily, like the reminders."""
        from .municipalities.services import refresh_membership_flags

        changed = refresh_membership_flags()
        db.session.commit()
        click.echo(f"Municipalities whose membership changed: {changed}")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, writable=True))
    def backup_command(target):
        """Copy the SQLite database to TARGET while the app keeps running (online backup).

        For PostgreSQL use pg_dump; this command refuses other databases.
        """
        import sqlite3

        engine = db.engine
        if engine.dialect.name != "sqlite" or not engine.url.database:
            raise click.ClickException("backup works on SQLite; for PostgreSQL use pg_dump")
        source = sqlite3.connect(engine.url.database)
        destination = sqlite3.connect(target)
        with destination:
            source.backup(destination)  # page by page; writers are not blocked for long
        source.close()
        destination.close()
        click.echo(f"Backup written to {target}")

    @app.cli.command("deliver-mail")
    @click.option("--loop", is_flag=True, help="Keep delivering every few seconds.")
    @click.option("--interval", default=5.0, show_default=True)
    def deliver_mail_command(loop, interval):
        """Deliver queued mail from the outbox (failed messages are retried later)."""
        import time

        from .core.mail import deliver_pending, run_feeders

        while True:
            run_feeders()
            sent, failed = deliver_pending()
            if sent or failed or not loop:
                click.echo(f"Mail sent: {sent}, failed (will retry): {failed}")
            if not loop:
                break
            time.sleep(interval)

    @app.cli.group("evaluation")
    def evaluation_group():
        """Participant evaluations (for cron)."""

    @evaluation_group.command("remind")
    def evaluation_remind_command():
        """Ask the sessions whose last meeting ended (if set so) and send the one reminder that
        is due to those who have not answered."""
        from .evaluation.services import ask_due_sessions, remind_due

        asked = ask_due_sessions()
        reminded = remind_due()
        db.session.commit()
        click.echo(f"Evaluations opened: {asked}; reminders sent: {reminded}")

    @app.cli.command("worker")
    @click.option(
        "--queues",
        default=",".join(QUEUES),
        show_default=True,
        help="Comma-separated queues, in order of priority.",
    )
    @click.option("--burst", is_flag=True, help="Stop when the queues are empty (tests, cron).")
    def worker_command(queues, burst):
        """Run background jobs (bulk prints, mail delivery) from Redis; needs REDIS_URL.

        Start as many as you like. Each also sweeps every JOB_SWEEP_INTERVAL seconds: mail due
        for a retry, print jobs whose queue entry was lost, jobs whose worker died.
        """
        from .certificates.jobs import sweep_print_jobs
        from .core.jobs import run_worker
        from .core.mail import sweep_outbox

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException(
                "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0); without it the web process "
                "runs background jobs itself."
            )
        names = [name.strip() for name in queues.split(",") if name.strip()]
        sweeps = []
        if "mail" in names:
            sweeps.append(sweep_outbox)
        if "print" in names:
            sweeps.append(sweep_print_jobs)
        if "mail" in names:
            from .evaluation.services import sweep_evaluations

            sweeps.append(sweep_evaluations)
            from .certificates.reminders import sweep_expiry_reminders

            sweeps.append(sweep_expiry_reminders)
        run_worker(current_app._get_current_object(), names, sweeps, burst=burst)
