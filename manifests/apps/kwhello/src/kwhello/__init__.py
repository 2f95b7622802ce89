"""Kraftwerk's sample WSGI application."""

__version__ = "1.0.0"
