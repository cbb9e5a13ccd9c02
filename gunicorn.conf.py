"""gunicorn settings shared by every app server: production, the benchmark, the scale-out tests.

gunicorn reads ``./gunicorn.conf.py`` from the directory it starts in (or ``-c <path>``);
the command line adds the rest (workers, bind address, timeout). What this file sets:

* ``preload_app``: the app (``wsgi:create_app()``) is imported and built once, in the
  master, before the workers are forked. Its modules, the translations, the compiled
  templates and routes are then pages the workers share copy-on-write instead of one
  copy each: a worker's own memory (USS, and PSS in ``/proc/<pid>/smaps_rollup``) is
  what it adds on top. A new release still means restarting gunicorn (``kill -HUP``
  reloads the code only without preload).
* ``gc.freeze()`` before each fork: the objects built in the master go to the collector's
  permanent generation, so the workers' collections do not write to (and so copy) the
  pages they live on.
* Nothing connected is shared across the fork: the master builds the app but answers no
  request; whatever database connection it opened (none, normally: SQLAlchemy connects at
  the first query) is dropped from each worker's pool in ``post_fork`` without closing the
  master's socket (``Engine.dispose(close=False)``). Redis clients (redis-py) open their
  connections lazily and reset their pools themselves when they find a new process id.
"""

from __future__ import annotations

import gc

preload_app = True


def pre_fork(server, worker) -> None:
    gc.freeze()


def post_fork(server, worker) -> None:
    if not server.cfg.preload_app:
        return  # each worker builds its own app, with its own pools
    app = server.app.wsgi()  # the app the master built (gunicorn keeps it)
    extension = getattr(app, "extensions", {}).get("sqlalchemy")
    if extension is None:  # not the Flask app (the benchmark's floor has no database)
        return
    with app.app_context():
        for engine in extension.engines.values():
            engine.dispose(close=False)
