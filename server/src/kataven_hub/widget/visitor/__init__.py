"""Visitor sessions: the public routes a widget calls from a visitor's browser (guest and user
auth, token refresh, config), and the tokens behind them."""
