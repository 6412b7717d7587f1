"""The shipped content, loaded once per test process as the runtime loads it."""

from bot.core.content.bundle import Content

CONTENT = Content.load()
