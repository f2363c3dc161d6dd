"""Reminders posted to work-chat groups (WeCom or DingTalk group robots), beside email.

A reminder slot is claimed once by one sweep (``models.deadlines.Reminder``); this row records
whether its chat message went out, so that a slot retried because one channel failed never
posts to the chat group again once it got there.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import utcnow


class ChatDelivery(SQLModel, table=True):
    """The chat message of one reminder slot: where it went and whether it arrived."""

    __tablename__ = "chat_delivery"
    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", unique=True)
    robot: str = Field(description="unit: the unit's own group robot; office: the office's")
    sent: bool = False
    attempts: int = 0
    last_error: str = ""
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
