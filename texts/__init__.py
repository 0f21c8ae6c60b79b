"""Every sentence kkrbot says, in Danish: chat replies, notices, CLI and status lines.

Built from values handed in (storage rows, results, reasons); nothing here queries, sends or reads the
environment. Handlers and delivery both use it and never each other; bot/ uses it for the CLI.
"""
