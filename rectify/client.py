"""Hand a command to the resident server when one is running (``rectify server start``).

This module runs in every ``rectify`` command before anything else, so it imports only
what Python itself starts with, plus ``zlib`` and, once a server is there, ``_socket``.
The command runs in the server's worker process, given this process's standard
input, output and error (the file descriptors themselves, passed over a Unix socket), its
arguments, working directory, environment and umask: it behaves as if run here, prints
straight to the terminal or pipe, and its exit code becomes this process's.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: importing typing would double this module's cost
if TYPE_CHECKING:
    import _socket

ENV_SWITCH = "RECTIFY_SERVER"
"""``RECTIFY_SERVER=off`` runs every command in its own process, server or not."""


def runtime_dir() -> str:
    """Return the private folder of the user's servers: ``$RECTIFY_RUNTIME_DIR``, else
    ``$XDG_RUNTIME_DIR/rectify``, else ``$TMPDIR/rectify-<uid>`` (``/tmp`` by default)."""
    chosen = os.environ.get("RECTIFY_RUNTIME_DIR")
    if chosen:
        return os.path.abspath(chosen)
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg:
        return os.path.join(xdg, "rectify")
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"rectify-{os.getuid()}")


def fingerprint() -> str:
    """Return a name for this installation of rectify: its version, the Python (and
    virtual environment) running it, the size and time of each of its modules and the time of each ``site-packages``
    folder (installing a package changes it). A server answers only for the code it was
    started with; after any change a new one is needed and the old one is not used."""
    import zlib  # not hashlib: loading OpenSSL would cost more than the rest of this module

    import rectify

    here = os.path.dirname(os.path.abspath(rectify.__file__))
    parts = [rectify.__version__, sys.prefix, sys.version]
    with os.scandir(here) as found:
        for item in sorted(found, key=lambda e: e.name):
            if item.name.endswith(".py"):
                info = item.stat()
                parts.append(f"{item.name}:{info.st_size}:{info.st_mtime_ns}")
    for folder in sys.path:
        if folder.endswith("-packages"):
            try:
                parts.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
            except OSError:
                pass
    data = "\n".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.crc32(data[::-1]):08x}{zlib.adler32(data):08x}"


def socket_path() -> str:
    """Return the socket of the server for this installation (see :func:`fingerprint`)."""
    return os.path.join(runtime_dir(), f"server-{fingerprint()}.sock")


def _stream(stream: object) -> tuple[str, str, bool, bool, bool]:
    """How a standard stream is set up: (encoding, errors, line_buffering, write_through,
    buffered). The server sets the command's up alike, so output interleaves as here
    (``PYTHONUNBUFFERED``, ``python -u``, a terminal or a pipe)."""
    buffered = not type(getattr(stream, "buffer", None)).__name__.startswith("FileIO")
    return (
        getattr(stream, "encoding", None) or "utf-8",
        getattr(stream, "errors", None) or "strict",
        bool(getattr(stream, "line_buffering", False)),
        bool(getattr(stream, "write_through", False)),
        buffered,
    )


def _answered(conn: _socket.socket, reply: bytes) -> bool:
    """True when the exit code has arrived already (so a late Ctrl-C is not passed on
    to whatever command the server runs next)."""
    conn.setblocking(False)
    try:
        waiting = conn.recv(64, 2)  # MSG_PEEK: leave it to be read
    except OSError:
        waiting = b""
    finally:
        conn.setblocking(True)
    return (reply + waiting).endswith(b"\n")


GREETING_SECONDS = 1.0
"""How long a command waits for the server to take it; a server busy for longer (another
command writing into a pager, say) is passed over and the command runs on its own."""


def _private(path: str, folder: bool) -> bool:
    """True when ``path`` is this user's own and (a ``folder``) closed to others: a socket
    another user placed, or placed in a folder others can write in, is never used."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if info.st_uid != os.getuid():
        return False
    return not folder or (info.st_mode & 0o170000 == 0o040000 and not info.st_mode & 0o077)


def _served_by_me(conn: _socket.socket) -> bool:
    """True when the process at the other end runs as this user (Linux: SO_PEERCRED;
    elsewhere the private folder is the guard)."""
    import _socket

    option = getattr(_socket, "SO_PEERCRED", None)
    if option is None:
        return True
    credentials = conn.getsockopt(_socket.SOL_SOCKET, option, 12)  # pid, uid, gid: C ints
    return int.from_bytes(credentials[4:8], sys.byteorder) == os.getuid()


def context() -> str:
    """What a command's meaning depends on beyond its arguments, environment and streams,
    which a server can only share, not take over: the root folder and mount and process
    namespaces (a container or chroot sees other files and processes), the file-name
    encoding, the groups and the file-size limit. The server sends its own in its
    greeting; a command whose context differs runs on its own."""
    parts = []
    for name in ("/", "/proc/self/ns/mnt", "/proc/self/ns/pid"):
        try:
            info = os.stat(name)
            parts.append(f"{info.st_dev}:{info.st_ino}")
        except OSError:
            parts.append("-")
    groups = ",".join(str(g) for g in sorted(os.getgroups()))
    parts += [sys.getfilesystemencoding(), f"{os.getgid()}:{os.getegid()}:{groups}", _file_size_limit()]
    return " ".join(parts)


def _file_size_limit() -> str:
    """The file-size limit (``ulimit -f``), read from /proc (the ``resource`` module would
    cost a millisecond to load); "-" where there is no /proc."""
    try:
        fd = os.open("/proc/self/limits", os.O_RDONLY)
    except OSError:
        return "-"
    try:
        text = os.read(fd, 8192)
    finally:
        os.close(fd)
    for line in text.split(b"\n"):
        if line.startswith(b"Max file size"):
            return b":".join(line.split()[3:5]).decode("ascii", "replace")
    return "-"


def _local_paths(argv: list[str]) -> bool:
    """True when an argument names a descriptor or the terminal of this process (``<(...)``
    gives ``/dev/fd/63``; ``/dev/tty``): only the standard three are passed to the server,
    which has no terminal of its own."""
    return any("/dev/fd/" in arg or "/proc/" in arg or "/dev/tty" in arg for arg in argv)


def run_remote(argv: list[str]) -> int | None:
    """Run ``rectify argv`` in the server and return its exit code; None when the
    command is to run here: no server for this installation, a socket or folder that is
    not private, a server busy beyond :data:`GREETING_SECONDS`, a server in another
    :func:`context`, or an argument naming one of this process's descriptors.

    Ctrl-C while waiting for the server ends with exit 130 and the command is not run;
    once it runs, Ctrl-C is passed on to it. Returns 75
    (EX_TEMPFAIL) after a message on stderr when the server goes away while the command
    runs.
    """
    if os.environ.get(ENV_SWITCH, "").lower() in ("off", "0", "no", "false") or not hasattr(os, "fork"):
        return None  # switched off, or not a Unix system: no server there
    path = socket_path()
    if not os.path.exists(path) or _local_paths(argv):
        return None
    if not (_private(os.path.dirname(path), folder=True) and _private(path, folder=False)):
        return None
    import _socket  # the C module: ``socket`` would add its enums to every command's start

    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        return _converse(conn, path, argv)
    finally:
        conn.close()


def _converse(conn: _socket.socket, path: str, argv: list[str]) -> int | None:
    import _socket
    import marshal

    try:
        conn.settimeout(GREETING_SECONDS)  # a full queue of waiting commands blocks connect()
        conn.connect(path)
        if not _served_by_me(conn):
            return None
        greeting = b""
        while not greeting.endswith(b"\n"):
            chunk = conn.recv(4096)
            if not chunk:
                return None  # the server is stopping: run here
            greeting += chunk
        pid_text, _, theirs = greeting.decode("utf-8", "replace").rstrip("\n").partition(" ")
        pid = int(pid_text)
        if theirs != context():
            return None  # another root, namespace, encoding, groups or limit: run here
        conn.settimeout(None)
    except KeyboardInterrupt:
        return 130  # nothing was run; as Python ends on Ctrl-C
    except (OSError, ValueError):
        return None  # busy, gone, or not a rectify server: run here
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))  # a closed stream reads and writes nothing
    mask = os.umask(0o022)
    os.umask(mask)
    try:
        cwd = os.getcwd()
    except OSError:  # the working folder is gone: let the command itself say so
        return None
    request = {
        "argv": argv,
        "cwd": cwd,
        "env": dict(os.environ),
        "umask": mask,
        "streams": [_stream(sys.stdin), _stream(sys.stdout), _stream(sys.stderr)],
    }
    payload = marshal.dumps(request)  # the server is this same Python (see fingerprint)
    rights = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)
    try:
        conn.sendmsg([len(payload).to_bytes(8, "big") + payload], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)])
    except OSError:
        return None  # the server went away before taking the command: run here
    reply = b""
    while True:
        try:
            chunk = conn.recv(64)
        except KeyboardInterrupt:
            if not _answered(conn, reply):
                os.kill(pid, 2)  # SIGINT: the command stops as it would here
            continue
        except OSError:
            chunk = b""
        if not chunk:
            break
        reply += chunk
        if reply.endswith(b"\n"):
            return int(reply)
    sys.stderr.write(
        "rectify: the server stopped before the command ended; check with `rectify server status`, "
        f"or run without it ({ENV_SWITCH}=off)\n"
    )
    return 75
