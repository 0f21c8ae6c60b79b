"""kkrbot: the KKRs' and their networks' meeting material in Telegram, in Danish."""

__version__ = "0.1.0"
