"""The skill's behaviour as tables plus small pure functions: intents, GUI phrases, agent events."""
