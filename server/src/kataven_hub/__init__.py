"""Kataven Hub: the management API of a voice-AI platform."""

__version__ = "0.1.0"
