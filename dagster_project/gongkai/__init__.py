"""gongkai (公开): read Chinese government departments' final-accounts reports into a comparable warehouse."""

__version__ = "0.1.0"
