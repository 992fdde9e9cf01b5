"""Signals other features listen to; the catalogue does not import them (dependencies point up).

The evaluation feature connects to `session_closed` to ask the participants' evaluation.
The enrollment feature connects to `session_cancelled` to tell the enrolled, and to
`session_changed` to tell them of a new schedule or place; planning connects to
`session_published` and `course_usage`.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent with the Session as sender and `reason=` after a session is cancelled (before commit).
session_cancelled = _signals.signal("session-cancelled")
#: Sent with the Session as sender and `changes=` after its dates, place or meetings change.
session_changed = _signals.signal("session-changed")
#: Sent with the Session as sender and `by=` after a session is closed (attendance counted).
session_closed = _signals.signal("session-closed")
#: Sent with the Session as sender after it is published (before commit): the planning feature
#: tells the people who asked to hear when the course opens.
session_published = _signals.signal("session-published")
#: Sent with the Course as sender before it is deleted; each receiver returns a list of texts
#: naming where the course is still used (an empty list when it is not). Any text refuses the
#: deletion.
course_usage = _signals.signal("course-usage")
