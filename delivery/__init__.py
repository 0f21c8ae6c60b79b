"""Delivery: notices from the outbox (storage.outbox) to members' Telegram chats, within Telegram's limits.

Ingestion writes events, the fan-out turns them into outbox rows, and the sender (delivery.sender)
sends those rows in the slots delivery.pacing hands out, the same budget the replies to members use
first (delivery.ratelimit). Nothing is imported here, so the fan-out can be used without loading
python-telegram-bot.
"""
