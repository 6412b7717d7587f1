"""The local Slack simulator: a Web API server and a driver, as strict as Slack."""
