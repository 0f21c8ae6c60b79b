"""The bottom of kkrbot: ideas every layer shares, importing nothing else of the project.

Danish time (`core.time`), the kinds of meeting documents (`core.kinds`), the councils' names
(`core.bodies`), Danish dates as people and KL write them (`core.dates`), people's names and
parties (`core.names`) and telling a PDF from an error page (`core.pdf`).
"""
