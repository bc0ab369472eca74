"""Widget settings: the account's branding and each agent's widget policy."""
