"""Writes of the core domain, one module per concern (people import, roles, audit, ...).

Conventions: keyword-only arguments, ``transaction.atomic``, and an audit event for every change.
"""
