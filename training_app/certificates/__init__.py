"""Certificates: issuing, PDF documents, verification, revocation and bulk printing."""
