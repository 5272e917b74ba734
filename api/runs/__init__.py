"""Background runs: plans, re-plans, stock plans, what-ifs and studies never block a request.

- ``executor``: the seam. An :class:`Executor` is handed the id of a stored,
  queued run and has it carried out somewhere; worker threads of this process
  by default. Another engine (a task queue) is one more class behind it.
- ``worker``: carrying out one run wherever that happens: claim it, run its
  kind's runner with a heartbeat, store the result or the failure; and, at
  start, failing the runs a dead process left running.
- ``runners``: what each kind of run computes, from its stored params and problem.
- ``store``: the runs as requests see them: queue one and hand it to the
  executor, read one of a kind, list a kind.
- ``launch``: what each kind of run is started from, checked before it is queued.
- ``results``: what a finished run's result gives (the problem a plan answers, a study's report).

May import the service's models, database helpers, errors and the modules that
build problems from stored data, and the dispatch, inventory and scenarios
engines; never the views (``api.resources``). The names below are the
package's face for the app and the command: the executor and the recovery at start.
"""

from api.runs.executor import Executor, make_executor
from api.runs.worker import queued_runs, recover

__all__ = ["Executor", "make_executor", "queued_runs", "recover"]
