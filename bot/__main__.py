"""`python -m bot` is the `coachbot` command."""

from bot.app.cli import main

main()
