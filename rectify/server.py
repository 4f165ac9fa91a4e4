"""The resident server (``rectify server start``): commands without start-up cost, and
ledgers read once.

Python, typer and pydantic take longer to start than a province's ``close`` takes to
run. The server starts once, imports everything, and forks one worker that waits on a
Unix socket in the user's private runtime folder (:func:`rectify.client.runtime_dir`).
A ``rectify`` command finding the socket (:mod:`rectify.client`) is greeted by the
worker, then hands over its arguments, working directory, environment, umask and
standard streams; the worker runs the command exactly as the command line would (the
same code: :func:`rectify.cli.main`) and sends back the exit code. Commands run one
after the other in the worker, which keeps what they read (:mod:`rectify.memo`); a
command not greeted within a second (the worker busy) runs on its own.

Only the user who started the server may use it (checked on each connection, by the
client too). It stops after ``--idle`` minutes without a command, when its code or its
socket changes, or on ``rectify server stop``. Nothing is stored on disk but the socket
and a pid, a lock and a log file beside it.
"""

from __future__ import annotations

import fcntl
import gc
import io
import marshal
import os
import signal
import socket
import struct
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from rectify import client, memo

IDLE_MINUTES = 180
"""Default minutes without a command after which the server stops."""

STOP_SECONDS = 5.0
"""How long a stopping server waits for the command it runs to end before killing it
(its write, if it was writing, is atomic: the old or the new ledger, never half)."""

_PRELOAD = (
    "rectify.cli",
    "rectify.store",
    "rectify.report",
    "rectify.render",
    "rectify.workflow",
    "rectify.bulletin",
    "rectify.excel",
    "rectify.feedback",
    "rectify.gitops",
    "rectify.merge",
    "rich.console",
    "rich.table",
    "rich.cells",
    "tabulate",
    "csv",
    "zoneinfo",
)


def pid_path(sock: str) -> str:
    """Return the pid file beside the socket ``sock``."""
    return sock[: -len(".sock")] + ".pid"


def running(sock: str | None = None) -> int | None:
    """Return the pid of the server listening on ``sock`` (default: this installation's),
    or None when none answers there."""
    sock = sock or client.socket_path()
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(client.GREETING_SECONDS)  # a full queue blocks connect(): take it as busy
    try:
        probe.connect(sock)
    except OSError:
        return None
    finally:
        probe.close()
    try:
        return int(Path(pid_path(sock)).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _private_dir(folder: str) -> None:
    """Make ``folder`` (mode 0700) or check that it is the user's own and private.

    Raises OSError when it belongs to someone else or others may write in it."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    info = os.lstat(folder)
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{folder} is not a private folder of this user (owner or mode); remove it or fix it")


def start(idle_minutes: int = IDLE_MINUTES, wait_seconds: float = 30.0) -> tuple[int, bool]:
    """Start the server in the background unless one runs; return ``(pid, started)``.

    Raises OSError when the runtime folder is not private, RuntimeError when the server
    does not answer within ``wait_seconds`` (its log, beside the socket, says why)."""
    import subprocess

    if not hasattr(os, "fork"):
        raise OSError("the server needs a Unix system (Linux, macOS)")
    sock = client.socket_path()
    pid = running(sock)
    if pid is not None:
        return pid, False
    _private_dir(os.path.dirname(sock))
    _tidy(os.path.dirname(sock))
    log = sock[: -len(".sock")] + ".log"
    if os.path.exists(log) and os.path.getsize(log) > 1024 * 1024:
        os.truncate(log, 0)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            # not ``-m rectify.server``: the module would run as __main__, a second copy
            # beside the rectify.server that commands import (``server stop`` sets a flag)
            [sys.executable, "-c", "from rectify.server import main; main()", sock, str(idle_minutes)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pid = running(sock)
            if pid is not None:  # another start was quicker: that one serves
                return pid, False
            raise RuntimeError(f"the server ended at start (exit {process.returncode}); see {log}")
        pid = running(sock)
        if pid is not None:
            return pid, True
        time.sleep(0.02)
    process.terminate()
    raise RuntimeError(f"the server did not answer within {wait_seconds:.0f} s; see {log}")


def _tidy(folder: str) -> None:
    """Remove the log, pid and lock files of servers that no longer run (an older
    version's, say) from the runtime folder."""
    for name in os.listdir(folder):
        stem, dot, suffix = name.rpartition(".")
        if not (stem.startswith("server-") and dot and suffix in ("log", "pid", "lock")):
            continue
        sock = os.path.join(folder, stem + ".sock")
        if os.path.exists(sock) and running(sock) is not None:
            continue
        try:
            os.unlink(os.path.join(folder, name))
        except OSError:
            pass


def stop(sock: str | None = None, wait_seconds: float = STOP_SECONDS + 5.0) -> int | None:
    """Stop the server on ``sock`` (default: this installation's); return its pid, or
    None when none was running. Waits until it has gone."""
    sock = sock or client.socket_path()
    pid = running(sock)
    if pid is None:
        return None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and os.path.exists(sock):
        time.sleep(0.02)
    return pid


def request_stop() -> None:
    """Stop the server once the command running in it has answered (``rectify server stop``
    run by the server itself)."""
    global _stop_requested
    _stop_requested = True


def in_server() -> bool:
    """True in a command run by the server."""
    return memo.active


def remembered() -> tuple[int, int]:
    """Return (ledgers, findings) the server holds in memory (in a command it runs)."""
    findings = 0
    for entry in memo.entries.values():
        loaded = entry.value[0]
        findings += len(loaded.ledger.findings)
    return len(memo.entries), findings


# ---------------------------------------------------------------- the server process


def serve(sock: str, idle_minutes: int) -> None:
    """Run the server on ``sock`` until idle for ``idle_minutes``, stopped, or outdated.

    This process only supervises: it imports everything once, then forks the worker
    that takes the commands, and forks a new one should that one die (a crash loses
    nothing but what it remembered)."""
    for name in _PRELOAD:
        __import__(name)
    from rectify import cli, workflow

    workflow.today()  # time-zone data in memory
    cli.command()
    _private_dir(os.path.dirname(sock))
    code = client.fingerprint()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with open(sock[: -len(".sock")] + ".lock", "w", encoding="ascii") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)  # two starts at once: one binds, the other sees it
        if os.path.exists(sock):
            if running(sock) is not None:
                print(f"rectify server: another server answers on {sock}", file=sys.stderr)
                return
            os.unlink(sock)
        listener.bind(sock)
        listener.listen(64)
    ours = os.stat(sock).st_ino
    pidfile = pid_path(sock)
    Path(pidfile).write_text(f"{os.getpid()}\n", encoding="ascii")
    print(f"rectify server {os.getpid()}: serving on {sock}", file=sys.stderr, flush=True)
    worker = 0
    crashes: list[float] = []
    signal.signal(signal.SIGTERM, _stop_signal)
    signal.signal(signal.SIGHUP, _stop_signal)
    try:
        gc.freeze()  # the worker shares these pages; its collections leave them alone
        while True:
            worker = os.fork()
            if worker == 0:
                _worker(listener, sock, ours, code, idle_minutes)  # never returns
            _, status = os.waitpid(worker, 0)
            worker = 0
            if os.waitstatus_to_exitcode(status) == 0:
                return  # stopped, idle, or outdated
            crashes = [t for t in crashes if time.monotonic() - t < 60] + [time.monotonic()]
            print(f"rectify server {os.getpid()}: the worker ended ({status}); starting another", file=sys.stderr)
            if len(crashes) >= 5:
                print(f"rectify server {os.getpid()}: 5 workers ended within a minute; stopping", file=sys.stderr)
                return
    finally:
        if worker:  # stopped by a signal: the worker ends the command it is running first
            os.kill(worker, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            while os.waitpid(worker, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:  # a command that does not end (a stalled pipe)
                    os.kill(worker, signal.SIGKILL)
                    os.waitpid(worker, 0)
                    break
                time.sleep(0.02)
        if _still_ours(sock, ours, None):
            os.unlink(sock)
            try:
                os.unlink(pidfile)
            except OSError:
                pass
        print(f"rectify server {os.getpid()}: stopped", file=sys.stderr, flush=True)


def _stop_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _still_ours(sock: str, inode: int, code: str | None) -> bool:
    """True while ``sock`` is still the socket this server made and (with ``code``) the
    installed code is still the code it runs."""
    try:
        if os.stat(sock).st_ino != inode:
            return False
    except OSError:
        return False
    return code is None or client.fingerprint() == code


class _Stop(Exception):
    """The worker is asked to stop (SIGTERM) while waiting for a command."""


class _Orphaned(Exception):  # noqa: N818 - a state, not an error
    """The server that forked this worker is gone."""


_server_pid = 0
_context = ""


_busy = False
_stop_requested = False


_in_command = False


def _interrupt(signum: int, frame: Any) -> None:
    """SIGINT (a Ctrl-C passed on by the client) stops the command running, nothing else."""
    if _in_command:
        raise KeyboardInterrupt


def _worker_signal(signum: int, frame: Any) -> None:
    global _stop_requested
    _stop_requested = True
    if not _busy:
        raise _Stop


def _worker(listener: socket.socket, sock: str, inode: int, code: str, idle_minutes: int) -> None:
    """The worker: take commands one after the other until stopped, idle or outdated;
    exit 0 then (the server stops), 1 on a failure (the server starts another)."""
    global _busy, _server_pid, _context
    status = 1
    try:
        _server_pid = os.getppid()
        _context = client.context()
        signal.signal(signal.SIGTERM, _worker_signal)
        signal.signal(signal.SIGHUP, _worker_signal)
        signal.signal(signal.SIGINT, _interrupt)
        _own_streams[:] = [os.dup(0), os.dup(1), os.dup(2)]
        listener.settimeout(5.0)  # wake now and then: idle, outdated, or orphaned?
        served = 0
        last = time.monotonic()
        home = os.getcwd()
        while not _stop_requested:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                if time.monotonic() - last > idle_minutes * 60 or not _still_ours(sock, inode, code):
                    break
                if os.getppid() != _server_pid:
                    raise _Orphaned from None
                continue
            conn.settimeout(None)
            _busy = True
            try:
                _serve_one(conn)
            except _Orphaned:
                raise
            except Exception:  # one connection's failure (a client gone, say) ends only it
                _release_streams()
                traceback.print_exc()
            finally:
                _busy = False
                os.chdir(home)
            served += 1
            _settle(served)
            last = time.monotonic()
            if not _still_ours(sock, inode, code):
                break
        status = 0
    except _Stop:
        status = 0
    except _Orphaned:  # nobody will clean up after the server: do it, then go
        if _still_ours(sock, inode, None):
            for name in (sock, pid_path(sock)):
                try:
                    os.unlink(name)
                except OSError:
                    pass
        status = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(status)


FULL_COLLECTION_EVERY = 200
"""Commands between two full garbage collections of the worker."""


def _settle(served: int) -> None:
    """After a command, the user having the answer: collect the young garbage and freeze
    what is left, so the next command's collections do not walk the ledgers held in
    memory (a province's objects took 150 ms to walk, measured on the first ``close``
    after a ``status``). Every :data:`FULL_COLLECTION_EVERY` commands, a full collection
    first, for any cycles that outlived the young ones."""
    if served % FULL_COLLECTION_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect(1)
    gc.freeze()


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    if not data:
        raise ConnectionError("nothing was asked")
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ConnectionError("the command sent no standard streams")
    while len(data) < 8:
        more = conn.recv(1 << 16)
        if not more:
            raise ConnectionError("the command went away")
        data += more
    size = int.from_bytes(data[:8], "big")
    while len(data) < 8 + size:
        more = conn.recv(1 << 20)
        if not more:
            raise ConnectionError("the command went away")
        data += more
    request = marshal.loads(data[8 : 8 + size])
    if not isinstance(request, dict):
        raise ValueError("not a command")
    return request, fds


def _serve_one(conn: socket.socket) -> None:
    """Take one connection: a command from another user is closed at once; else the
    client is told it is taken (it waits :data:`rectify.client.GREETING_SECONDS` for
    that, then runs the command itself) and sends the command, run with its streams."""
    with conn:
        if hasattr(socket, "SO_PEERCRED"):  # Linux; elsewhere the private folder alone guards
            credentials = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _, uid, _ = struct.unpack("3i", credentials)
            if uid != os.getuid():
                return  # only the user who started the server
        if os.getppid() != _server_pid:  # the server died (SIGKILL): this worker ends too
            raise _Orphaned
        try:
            conn.sendall(f"{os.getpid()} {_context}\n".encode())  # taken: send the command
            conn.settimeout(10.0)
            request, fds = _receive(conn)
            conn.settimeout(None)
        except (OSError, ValueError, EOFError, TypeError):
            return  # a probe (:func:`running`), or a client that went on without the server
        _run(conn, request, fds)


def _run(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """Run the command ``request`` (argv, cwd, env, umask, stream encodings) with the
    standard streams ``fds`` for the client on ``conn``, and send it the exit code.

    When the command cannot be set up (its working directory is gone, an encoding is
    unknown), the connection is closed before the command starts and the client runs
    it itself, so the user sees the usual answer."""
    saved_env = dict(os.environ)
    saved_mask = os.umask(0o022)
    try:
        try:
            os.umask(request["umask"])
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            sys.stdin, sys.stdout, sys.stderr = (_text_stream(fd, *how) for fd, how in enumerate(request["streams"]))
            sys.argv = ["rectify", *request["argv"]]
        except (OSError, LookupError, KeyError, TypeError, ValueError) as exc:
            _release_streams()
            print(f"rectify server {os.getpid()}: a command could not be set up ({exc})", file=sys.stderr)
            return  # closing without an answer: the client runs the command itself
        finally:
            for fd in fds:
                os.close(fd)
        memo.active = True
        filters = list(warnings.filters)
        warnings.resetwarnings()  # each command shows its warnings, as its own process would
        warnings.filters[:] = filters  # type: ignore[index]  # a list at run time
        status = _exit_code()
        # the answer is complete: let go of the user's streams before saying so, so that
        # a pipe reading the output sees its end now
        _release_streams()
        try:
            conn.sendall(f"{status}\n".encode("ascii"))
        except OSError:
            pass  # the client is gone (killed): the command ran all the same
        memo.run_later()
    finally:  # the next command starts from the server's own settings
        os.umask(saved_mask)
        os.environ.clear()
        os.environ.update(saved_env)
        time.tzset()


def _text_stream(
    fd: int, encoding: str, errors: str, line_buffering: bool, write_through: bool, buffered: bool
) -> io.TextIOWrapper:
    """A text stream on ``fd`` set up as the client's own is (see ``client._stream``)."""
    raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
    binary: Any = raw
    if buffered:
        binary = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
    return io.TextIOWrapper(binary, encoding, errors, line_buffering=line_buffering, write_through=write_through)


_own_streams: list[int] = []
"""The worker's own standard streams (/dev/null in, the server's log out), kept aside."""


def _release_streams() -> None:
    """Point the standard streams at the worker's own again (the client's are let go)."""
    for target, fd in enumerate(_own_streams):
        os.dup2(fd, target)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", 1, closefd=False)  # noqa: SIM115


def _exit_code() -> int:
    """Run the command line in this process as ``rectify`` would; return its exit code."""
    global _in_command
    from rectify.cli import main

    status: int = 0
    try:
        _in_command = True
        main()
    except SystemExit as exc:
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except KeyboardInterrupt:
        status = 130
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        _in_command = False
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    return status


def main() -> None:
    """Run the server: ``sys.argv[1:]`` is SOCKET IDLE_MINUTES (as :func:`start` gives them)."""
    sock, idle = sys.argv[1], int(sys.argv[2])
    serve(sock, idle)
