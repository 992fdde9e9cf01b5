"""A file or a link attached to a session."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalog.models import Session
from ..core.columns import str_enum
from ..core.timeutil import utcnow
from ..extensions import db


class MaterialKind(enum.StrEnum):
    FILE = "file"
    LINK = "link"


class Material(db.Model):
    """A handout, slide deck, document, image or link given to the people of a session."""

    __tablename__ = "session_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MaterialKind] = mapped_column(str_enum(MaterialKind, 10))
    title: Mapped[str] = mapped_column(String(200))
    #: A link's address (http or https only).
    url: Mapped[str | None] = mapped_column(String(500))
    #: The name the file is downloaded under (the uploaded name, with the extension of its type).
    filename: Mapped[str | None] = mapped_column(String(200))
    #: The type found in the file's content, never the one its name or the browser claimed.
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None]
    #: The file's name in MATERIALS_DIR: random, so that nothing of the upload reaches the disk.
    storage_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[Session] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_file(self) -> bool:
        return self.kind == MaterialKind.FILE

    def __repr__(self) -> str:
        return f"<Material {self.id} session={self.session_id} {self.kind}>"
