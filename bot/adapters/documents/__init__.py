"""Read forms out of email: bodies, .docx, PDF, RTF, winmail.dat and forwarded messages.

Every result says where each line and table came from, and every failure becomes a readable
problem naming the file and what to do; nothing here raises on bad input.
"""

from __future__ import annotations

from .model import DocumentText, Limits, Line, Table
from .reading import read_attachment, read_message

__all__ = ["DocumentText", "Limits", "Line", "Table", "read_attachment", "read_message"]
