"""The bot's commands and buttons: they read storage and answer with texts' sentences.

Transport-neutral: text in, `texts.replies.Reply` out; bot/app.py sends the replies to Telegram and
`kkrbot chat` prints them. The command table is handlers.commands.
"""
