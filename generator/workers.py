"""Per-API work shared among forked processes (`--jobs`): reading the files, rendering the pages, the exports.

The task and everything it reads are inherited through fork, never pickled; only the items and the results cross
between processes. Results come back in the items' order, so the site is the same with any number of processes."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

PARALLEL_FROM = 50  # items: below this, starting processes costs more than they save
# Items a worker sends back at once. A share's results wait in the worker until it is done, then cross as one
# message: 1 250 APIs' pages made 500 MB messages, each in fresh memory on both sides (0.9× the time with 64).
SHARE_MAX = 64
_task = None  # what the workers run, inherited through fork
_collecting = True  # whether the parent's collector ran: a worker forked while it was off turns it back on
_frozen_for_good = False  # see freeze_for_good()
_in_worker = False  # whether this process is one of shared()'s


def can_fork() -> bool:
    """Fork copies only the calling thread: with another thread alive (`mkdocs serve`'s, a test's server), a lock
    it held would stay locked in the child. The CLI's build runs on one thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def freeze_for_good() -> None:
    """Exempt every object alive now from the collector to the end of the process: for a process that exits
    after its build, as the CLI's does. shared() then leaves frozen what it freezes, rather than count the frozen
    objects to know whether it may unfreeze them (gc.get_freeze_count() walks them all: 1 s of a 10 000-API build).
    """
    global _frozen_for_good
    gc.freeze()
    _frozen_for_good = True


@contextlib.contextmanager
def frozen_until_done():
    """Objects frozen within (gc.freeze) are unfrozen on leaving, unless some were frozen before: gc.unfreeze()
    unfreezes everything, and those are the caller's to unfreeze."""
    frozen_before = _frozen_for_good or gc.get_freeze_count()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def forks(count: int, jobs: int) -> bool:
    """Whether shared() would start processes for `count` items."""
    return jobs > 1 and count >= PARALLEL_FROM and can_fork()


def shared(task, items: list, jobs: int) -> list:
    """[task(item) for item in items], in `jobs` processes when there are enough items and fork is safe.
    The task must not depend on side effects: a worker that dies (out of memory?) has its items done again here.
    The results are taken to be kept long (a build holds them to its end): see _kept_as_they_come."""
    global _task
    if not forks(len(items), jobs):
        return [task(item) for item in items]
    # At least four shares a process, to even out items of different sizes; map() keeps their order.
    parts = max(jobs * 4, -(-len(items) // SHARE_MAX))
    shares = [items[i * len(items) // parts : (i + 1) * len(items) // parts] for i in range(parts)]
    _task = task
    with frozen_until_done():
        gc.freeze()  # the workers' collector leaves the inherited objects alone: their memory stays shared
        try:
            fork = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=fork) as pool, _kept_as_they_come():
                return [result for share in pool.map(_run, shares) for result in share]
        except BrokenProcessPool:
            return [task(item) for item in items]
        finally:
            _task = None


@contextlib.contextmanager
def _kept_as_they_come():
    """The results are kept (the build holds them to its end): the collector need not walk them while they are
    young, again and again (1.2 s of a 3 000-API build, growing faster than the catalogue). They go straight to
    the oldest generation, which frozen_until_done() unfreezes them into."""
    global _collecting
    _collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if _collecting:
            gc.enable()


def in_background(task) -> multiprocessing.Process | None:
    """task() in a forked process while this one goes on, or None where fork is not safe. The caller joins it;
    a non-zero exit code says the task failed."""
    if not can_fork():
        return None
    process = multiprocessing.get_context("fork").Process(target=_background, args=(task,), daemon=True)
    process.start()
    return process


def _background(task) -> None:
    gc.disable()  # a short life: collecting would only copy the parent's memory, page by page
    task()


def in_worker() -> bool:
    """Whether this process is one of shared()'s workers: what it returns crosses to the parent."""
    return _in_worker


def _run(share: list) -> list:
    global _in_worker
    _in_worker = True
    if _collecting:
        gc.enable()
    return [_task(item) for item in share]
