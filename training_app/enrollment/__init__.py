"""Registrations: enrolment, approval by the municipality, quotas, waitlist, nominations."""
