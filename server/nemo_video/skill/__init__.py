"""The skill's behaviour as tables plus small pure functions: intent routing and GUI phrases."""
