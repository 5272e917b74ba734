"""Finding routes: construction, ruin and recreate, the OR-Tools and PyVRP engines.

Every engine returns an ``EngineResult`` of route drafts (``types``); the
portfolio runs several at once. Imports ``dispatch.evaluate`` and below;
OR-Tools only in ``ortools_engine``, PyVRP only in ``pyvrp_engine``.
"""
