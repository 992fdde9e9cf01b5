"""The OpenAPI 3.0 document of /api/v1, kept next to the views it describes."""

from ..accounts.models import Position
from ..catalog.models import CourseKind, Delivery, DocumentKind, SessionStatus

_NULLABLE_DATETIME = {"type": "string", "format": "date-time", "nullable": True}

_SESSION_PROPERTIES = {
    "id": {"type": "integer"},
    "url": {"type": "string", "format": "uri"},
    "status": {"type": "string", "enum": [s.value for s in SessionStatus]},
    "course": {
        "type": "object",
        "required": ["id", "code", "title", "kind", "category", "delivery", "document", "open_to"],
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in CourseKind]},
            "category": {"type": "string"},
            "delivery": {"type": "string", "enum": [d.value for d in Delivery]},
            "document": {"type": "string", "enum": [d.value for d in DocumentKind]},
            "open_to": {
                "type": "array",
                "description": "Positions that may enrol; empty means everyone.",
                "items": {"type": "string", "enum": [p.value for p in Position]},
            },
        },
    },
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": {"type": "string", "format": "date"},
    "city": {"type": "string"},
    "country": {"type": "string"},
    "abroad": {"type": "boolean"},
    "venue": {
        "type": "object",
        "nullable": True,
        "required": ["name", "address", "city", "country"],
        "properties": {
            "name": {"type": "string"},
            "address": {"type": "string", "nullable": True},
            "city": {"type": "string"},
            "country": {"type": "string"},
        },
    },
    "capacity": {"type": "integer", "minimum": 1},
    "seats_left": {"type": "integer", "minimum": 0},
    "requires_approval": {"type": "boolean"},
    "enrolment_opens_at": _NULLABLE_DATETIME,
    "enrolment_closes_at": _NULLABLE_DATETIME,
    "cancellation_deadline": _NULLABLE_DATETIME,
    "trainers": {"type": "array", "items": {"type": "string"}},
}

_SESSION = {
    "type": "object",
    "required": list(_SESSION_PROPERTIES),
    "properties": _SESSION_PROPERTIES,
}

_SESSION_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/Session"},
        {
            "type": "object",
            "required": ["total_hours", "meetings"],
            "properties": {
                "total_hours": {"type": "number", "minimum": 0},
                "meetings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["day", "starts_at", "ends_at", "topic"],
                        "properties": {
                            "day": {"type": "string", "format": "date"},
                            "starts_at": {"type": "string", "format": "date-time"},
                            "ends_at": {"type": "string", "format": "date-time"},
                            "topic": {"type": "string", "nullable": True},
                        },
                    },
                },
            },
        },
    ]
}

_CERTIFICATE_LINK = {
    "type": "object",
    "nullable": True,
    "required": ["register_number", "verification_url"],
    "properties": {
        "register_number": {"type": "string"},
        "verification_url": {"type": "string", "format": "uri"},
    },
}

_CERTIFICATE_PROPERTIES = {
    "register_number": {
        "type": "string",
        "description": "KBB-<year>-<6 digits>",
        "pattern": "^[A-Z]+-[0-9]{4}-[0-9]{6}$",
    },
    "verification_url": {"type": "string", "format": "uri"},
    "status": {
        "type": "string",
        "enum": ["valid", "revoked", "replaced"],
        "description": "The document's state in the register; an expired document stays "
        "`valid` here (it was neither revoked nor replaced) with `expired` true.",
    },
    "valid": {
        "type": "boolean",
        "description": "Whether the document is in force today: status `valid` and not expired.",
    },
    "valid_until": {
        "type": "string",
        "format": "date",
        "nullable": True,
        "description": "Last day the document is valid (the course's validity counted from "
        "the training's last day); null when it does not expire.",
    },
    "expired": {
        "type": "boolean",
        "description": "True from the day after `valid_until`; always false when it is null.",
    },
    "document": {"type": "string", "enum": ["attendance", "achievement"]},
    "document_title": {
        "type": "string",
        "description": "As printed: Katılım Belgesi, Başarı Belgesi.",
    },
    "holder_name": {
        "type": "string",
        "nullable": True,
        "description": "null when the holder's name was removed at their request (KVKK).",
    },
    "course_title": {"type": "string"},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": {"type": "string", "format": "date"},
    "hours": {"type": "number", "minimum": 0},
    "issued_on": {"type": "string", "format": "date"},
    "revoked_on": {
        "type": "string",
        "format": "date",
        "nullable": True,
        "description": "Day the document was revoked or replaced.",
    },
    "replaced_by": _CERTIFICATE_LINK,
}

_CERTIFICATE = {
    "type": "object",
    "required": list(_CERTIFICATE_PROPERTIES),
    "properties": _CERTIFICATE_PROPERTIES,
}

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
}


def _query(name, description, schema):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_FILTERS = [
    _query(
        "q",
        "Search in course code and title, city and venue; Turkish case-insensitive "
        "and ASCII-forgiving (cumra finds Çumra).",
        {"type": "string", "maxLength": 100},
    ),
    _query("category", "Category id.", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
    _query(
        "month",
        "Sessions running in this month, YYYY-MM.",
        {"type": "string", "pattern": "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"},
    ),
    _query("city", "City name.", {"type": "string", "maxLength": 80}),
    _query(
        "where",
        "tr: in Türkiye; abroad: outside Türkiye.",
        {"type": "string", "enum": ["tr", "abroad"]},
    ),
    _query(
        "delivery",
        "How the course is delivered.",
        {"type": "string", "enum": [d.value for d in Delivery]},
    ),
    _query(
        "position",
        "Only sessions open to this position.",
        {"type": "string", "enum": [p.value for p in Position]},
    ),
    _query("page", "Page number.", {"type": "integer", "minimum": 1, "maximum": 10000}),
    _query("per_page", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 100}),
]


def _json(schema_ref: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": schema_ref}}},
    }


def openapi_document(server_url: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Training catalogue API",
            "version": "1.0.0",
            "description": "Read-only public data of the union's training catalogue. Dates are "
            "local to Europe/Istanbul; instants carry their offset.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/sessions": {
                "get": {
                    "operationId": "listSessions",
                    "summary": "Upcoming published sessions, soonest first",
                    "parameters": _FILTERS,
                    "responses": {
                        "200": _json("#/components/schemas/SessionPage", "A page of sessions"),
                        "400": _json("#/components/schemas/Error", "A parameter is wrong"),
                    },
                }
            },
            "/sessions/{session_id}": {
                "get": {
                    "operationId": "getSession",
                    "summary": "One public session with its meetings",
                    "parameters": [
                        {
                            "name": "session_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                        }
                    ],
                    "responses": {
                        "200": _json("#/components/schemas/SessionDetail", "The session"),
                        "404": _json("#/components/schemas/Error", "No such public session"),
                    },
                }
            },
            "/certificates/{verification_code}": {
                "get": {
                    "operationId": "verifyCertificate",
                    "summary": "Verify a document (belge) by the code printed on it",
                    "parameters": [
                        {
                            "name": "verification_code",
                            "in": "path",
                            "required": True,
                            "description": "Dashes and spaces are ignored; case-insensitive.",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 40},
                        }
                    ],
                    "responses": {
                        "200": _json("#/components/schemas/Certificate", "The document"),
                        "404": _json("#/components/schemas/Error", "No document with this code"),
                        "429": _json("#/components/schemas/Error", "Too many requests"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Session": _SESSION,
                "SessionDetail": _SESSION_DETAIL,
                "SessionPage": {
                    "type": "object",
                    "required": ["items", "page", "per_page", "total", "pages"],
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Session"},
                        },
                        "page": {"type": "integer", "minimum": 1},
                        "per_page": {"type": "integer", "minimum": 1},
                        "total": {"type": "integer", "minimum": 0},
                        "pages": {"type": "integer", "minimum": 0},
                    },
                },
                "Certificate": _CERTIFICATE,
                "Error": _ERROR,
            }
        },
    }
