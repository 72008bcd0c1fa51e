"""A blocking call with a progress callback, turned into a generator of its progress reports.

ptychopinn.iterate blocks until the solver finishes and reports each iteration through a callback,
while ptychodus learns of progress only from what reconstruct() yields. So the call runs in a thread
of its own (the compiled core releases the GIL while it computes) and hands its reports over a
queue; the generator yields them as they come and finally returns the call's value. Closing the
generator early (ptychodus dropping the reconstruction) makes the callback answer False, which stops
the solver after its current iteration, and waits for the thread, so no solver outlives its caller.
"""
import queue
import threading

_REPORT, _DONE, _FAILED = range(3)


def run_reporting(call):
    """Runs call(progress) in a thread, where progress(*report) is the callback to hand on. Yields
    each report tuple; returns (as StopIteration's value) what call returned; raises what it raised."""
    messages = queue.Queue()
    stop = threading.Event()

    def progress(*report):
        messages.put((_REPORT, report))
        return not stop.is_set()

    def target():
        try:
            messages.put((_DONE, call(progress)))
        except BaseException as error:  # noqa: BLE001 - handed to the generator, which raises it
            messages.put((_FAILED, error))

    thread = threading.Thread(target=target, name="ptychopinn-iterate", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = messages.get()
            if kind == _REPORT:
                yield value
            elif kind == _DONE:
                return value
            else:
                raise value
    finally:
        stop.set()
        thread.join()
