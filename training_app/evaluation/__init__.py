"""Evaluation: questionnaires, anonymous answers, the asking after a session, knowledge tests.

Sits above attendance and certificates and below reports: reports may import it, never the reverse.
"""
