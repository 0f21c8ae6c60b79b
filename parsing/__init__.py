"""Turn a published KL meeting PDF (KKR or KD-Net) into a ParsedDocument.

Parsing knows nothing of storage or Telegram: bytes in, frozen dataclasses out.
"""

from parsing.document import parse_document
from parsing.errors import ParseError
from parsing.model import ParsedDocument, ParsedItem, ParsedSection

__all__ = ["ParseError", "ParsedDocument", "ParsedItem", "ParsedSection", "parse_document"]
