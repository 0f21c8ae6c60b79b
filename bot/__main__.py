"""`python -m bot` runs the same CLI as the `kkrbot` console script."""

from bot.cli import main

if __name__ == "__main__":
    main(prog_name="kkrbot")
