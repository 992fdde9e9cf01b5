"""Course and seminar catalogue: categories, courses, sessions, meetings, venues, calendars."""
