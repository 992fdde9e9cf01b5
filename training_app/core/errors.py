"""Domain errors: a rule was broken, with a message meant for the user."""


class DomainError(Exception):
    """A business rule refused an action; `message` is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: Name of the form field the error belongs to, when there is one.
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this to this record."""


class Conflict(DomainError):
    """The action clashes with existing data (duplicate, already done)."""


class InvalidTransition(DomainError):
    """A state machine refused a move."""
