"""What the settings (bot.config) and storage must agree on, without one importing the other."""

DEFAULT_DATABASE_URL = "sqlite:///./data/kkrbot.sqlite3"
