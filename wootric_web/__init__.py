"""wootric-web: InMoment (formerly Wootric) NPS surveys from Segment-style analytics calls.

``Analytics`` is the Python API; ``wootric_web.protocol.handle`` is what the script tag's worker
calls. The core imports nothing outside the standard library and never touches a page itself.
"""

from ._version import __version__
from .analytics import Analytics, User, WootricWebWarning
from .memory_page import MemoryPage
from .page_context import PageContext

__all__ = ["Analytics", "MemoryPage", "PageContext", "User", "WootricWebWarning", "__version__"]
