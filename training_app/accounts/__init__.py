"""Users, people, roles, login, registration, profile and the privacy notice."""
