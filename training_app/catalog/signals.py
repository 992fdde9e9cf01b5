"""Signals other features listen to; the catalogue does not import them (dependencies point up).

The evaluation feature connects to `session_closed` to ask the participants' evaluation.
The enrollment feature connects to `session_cancelled` to tell the enrolled, and to
`session_changed` to tell them of a new schedule or place.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent with the Session as sender and `reason=` after a session is cancelled (before commit).
session_cancelled = _signals.signal("session-cancelled")
#: Sent with the Session as sender and `changes=` after its dates, place or meetings change.
session_changed = _signals.signal("session-changed")
#: Sent with the Session as sender and `by=` after a session is closed (attendance counted).
session_closed = _signals.signal("session-closed")
