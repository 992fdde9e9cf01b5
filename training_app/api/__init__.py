"""Read-only JSON API over public catalogue data, documented by OpenAPI 3."""
