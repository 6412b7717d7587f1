"""`python -m bot` is the `coachbot` command."""

from bot.cli import main

main()
