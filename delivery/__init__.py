"""Delivery: notices from the outbox (storage.outbox) to members' Telegram chats, within Telegram's limits.

Ingestion writes events, the fan-out turns them into outbox rows, and the sender (delivery.sender)
sends those rows at the pace delivery.pacing sets. Nothing is imported here, so the fan-out can be
used without loading python-telegram-bot.
"""
