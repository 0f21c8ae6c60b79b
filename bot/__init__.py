"""kkrbot: KKR Midtjylland's and KD-Net's meeting material in Telegram, in Danish."""

__version__ = "0.1.0"
