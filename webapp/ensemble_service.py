"""One pool of worker processes for every session's exact runs: shared tasks, cached results, cancelled when superseded.

A task is identified by a hashable key (the app uses ``(preset, overrides, member)``). Two
sessions asking for the same key share one task; a finished result is kept in an LRU cache;
a session's request that is superseded is cancelled, and a task nobody waits for any more is
taken off the queue (a task already running finishes and is cached).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor, wait
from typing import Any

WORKERS = 2
NICE = 10  # workers' lowered priority, so the server that draws the pages stays responsive
PARENT_POLL_SECONDS = 1.0
CACHE = 2_000  # finished tasks kept (one member's arrays each, about 50 kB)


def _worker_start(parent: int, increment: int = NICE) -> None:
    """Worker initialiser: lower this process's priority, and end it when the server that started it ends."""
    with contextlib.suppress(OSError):  # not permitted here: run at normal priority
        os.nice(increment)

    def watch_parent() -> None:  # a server ended by a signal does not shut its pool down
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()


def process_pool(workers: int = WORKERS) -> Executor:
    """``workers`` fresh processes (spawned, not forked from the threaded server) at lowered priority.

    Each worker ends itself when the process that started it has ended.
    """
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )


class Request:
    """One session's tasks: their futures, in the order asked; :meth:`cancel` gives them up."""

    def __init__(self, service: TaskService, ident: int, keys: Sequence[Hashable], futures: list[Future]):
        self._service, self._ident = service, ident
        self.keys = tuple(keys)
        self.futures = futures

    def done(self) -> int:
        """How many tasks have finished."""
        return sum(f.done() for f in self.futures)

    def finished(self) -> bool:
        return all(f.done() for f in self.futures)

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for all tasks; whether all are done."""
        wait(self.futures, timeout=timeout)
        return self.finished()

    def results(self) -> list[Any]:
        """The tasks' results in the order asked (raises the first task's error)."""
        return [f.result() for f in self.futures]

    def cancel(self) -> None:
        """Give up the tasks: each queued task that no other request waits for is cancelled."""
        self._service._release(self._ident, self.keys)


class TaskService:
    """Run ``function(key)`` in ``executor`` for the keys sessions ask for, sharing and caching them."""

    def __init__(
        self, function: Callable[[Any], Any], executor: Callable[[], Executor] = process_pool, cache: int = CACHE
    ):
        self._function = function
        self._make_executor = executor
        self._executor: Executor | None = None
        self._lock = threading.RLock()  # a cancelled future calls back at once
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._cache_size = cache
        self._pending: dict[Hashable, tuple[Future, set[int]]] = {}
        self._ids = itertools.count()
        self.submitted = 0  # tasks handed to the executor
        self.cancelled = 0  # queued tasks taken off again

    def cached(self, key: Hashable) -> Any | None:
        """A finished result, or None."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def pending(self) -> int:
        """Tasks queued or running."""
        with self._lock:
            return len(self._pending)

    def request(self, keys: Sequence[Hashable]) -> Request:
        """Futures for ``keys``: cached results at once, tasks in progress shared, the others submitted."""
        ident = next(self._ids)
        futures: list[Future] = []
        with self._lock:
            if self._executor is None:
                self._executor = self._make_executor()
            for key in keys:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    done: Future = Future()
                    done.set_result(self._cache[key])
                    futures.append(done)
                elif key in self._pending:
                    future, holders = self._pending[key]
                    holders.add(ident)
                    futures.append(future)
                else:
                    future = self._executor.submit(self._function, key)
                    self.submitted += 1
                    self._pending[key] = (future, {ident})
                    future.add_done_callback(lambda f, k=key: self._finished(k, f))
                    futures.append(future)
        return Request(self, ident, keys, futures)

    def _finished(self, key: Hashable, future: Future) -> None:
        with self._lock:
            entry = self._pending.get(key)
            if entry is not None and entry[0] is future:
                del self._pending[key]
            if future.cancelled():
                return
            if future.exception() is not None:
                if isinstance(future.exception(), BrokenExecutor):
                    self._executor = None  # a worker died: the next request starts a fresh pool
                return
            self._cache[key] = future.result()
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _release(self, ident: int, keys: Sequence[Hashable]) -> None:
        with self._lock:
            for key in keys:
                entry = self._pending.get(key)
                if entry is None:
                    continue
                future, holders = entry
                holders.discard(ident)
                if not holders and future.cancel():
                    self.cancelled += 1
                    self._pending.pop(key, None)

    def shutdown(self) -> None:
        """Stop the workers (queued tasks are cancelled)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
