"""The sign-in sheet (imza föyü) of a meeting as a PDF."""

from flask import Response, current_app

from ..core.pdf import render_pdf
from ..core.turkish import format_date_short, tr_upper


def sign_in_sheet_response(meeting, lines) -> Response:
    session = meeting.session
    context = {
        "union_name": current_app.config["UNION_NAME"],
        "course_title": session.course.title,
        "meeting_number": [m.id for m in session.meetings].index(meeting.id) + 1,
        "day": format_date_short(meeting.day),
        "start": meeting.starts_at.strftime("%H:%M"),
        "end": meeting.ends_at.strftime("%H:%M"),
        "place": session.venue.label if session.venue else session.place_label,
        "trainers": [t.full_name for t in session.trainers],
        "people": [
            {
                "name": tr_upper(line.registration.person.full_name),
                "municipality": line.registration.municipality.name
                if line.registration.municipality
                else "",
                "position": line.registration.position.label if line.registration.position else "",
            }
            for line in lines
        ],
    }
    data = render_pdf("pdf/sign_in_sheet.html", **context)
    filename = f"imza-foyu-{meeting.day:%Y%m%d}-{meeting.id}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
