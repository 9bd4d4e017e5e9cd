"""The policymakers' app, as Solara runs it: the page and layout of :mod:`webapp`.

Start with ``suqian-abm app`` (or ``solara run app.py``) and open http://127.0.0.1:8765.
The app itself, one part to a module, is the package ``webapp``.
"""

from webapp.page import Layout, Page

__all__ = ["Layout", "Page"]
