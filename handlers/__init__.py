"""Telegram command handlers: they read storage and reply through one formatting module."""
