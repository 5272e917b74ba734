"""One blueprint per area of the API, all under /api/v1.

A view parses its input with a shape (``api.schemas``), calls one service
function with the request's session, and lets its response shape serialise
the answer; it holds no SQL and changes no record itself. A view that writes
calls its function inside :func:`api.db.transaction`, so the request commits
whole or not at all. Views may import the service modules, shapes, ``auth``,
``errors`` and ``session``; no other module imports a view.
"""
