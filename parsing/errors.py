"""The one exception the parser raises for input it cannot use."""


class ParseError(Exception):
    """The bytes are not a usable KL meeting PDF; `str(err)` is a plain Danish reason for people."""
