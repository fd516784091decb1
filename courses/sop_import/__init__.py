"""Importing SOPs from files: Markdown, ZIP and Word (``files`` reads, ``services`` plans and
saves, ``views`` and ``api`` serve people and clients)."""
