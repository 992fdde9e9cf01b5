"""Attendance: rosters per meeting, QR self check-in, sign-in sheets, completion by hours."""
