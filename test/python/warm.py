"""A fork server for the test scripts beside this file, so each call skips MLflow's import.

`import mlflow` takes 2-3 s on an idle 2-core machine and over 10 s on a busy one, and the
suite runs MLflow's Python client (mlflow_seed.py, mlflow_dump.py) in a new process per call,
a hundred times or so. This server imports MLflow once; for every call it forks, and the child
runs the script as `python script args` would (its own argv, environment, working folder,
stdin, stdout, stderr and exit status), then exits. The child is a fresh copy of a process
that has only imported the modules: nothing of one call is seen by the next.

  python warm.py serve SOCKET              (test/harness/start-peers.ts starts it)
  python warm.py run SOCKET SCRIPT ARGS... (test/harness/python.ts; no MLflow import here)
`run` falls back to running the script in its own process when the server cannot be reached,
so a stopped server makes calls slower, never different.
"""
import json
import os
import socket
import struct
import sys


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    chunks = []
    while n > 0:
        chunk = conn.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _send_frame(conn: socket.socket, data: bytes) -> None:
    conn.sendall(struct.pack("!Q", len(data)) + data)


def _recv_frame(conn: socket.socket) -> bytes:
    (n,) = struct.unpack("!Q", _recv_exact(conn, 8))
    return _recv_exact(conn, n)


def run(sock_path: str, script: str, args: list) -> None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(sock_path)
    except OSError:
        # No server: the script runs here, reading this process's stdin, as without this file.
        os.execv(sys.executable, [sys.executable, script, *args])
    request = {
        "script": os.path.abspath(script),
        "args": args,
        "env": dict(os.environ),
        "cwd": os.getcwd(),
        "timeout": int(os.environ.get("MG_WARM_TIMEOUT_S", "300")),
    }
    _send_frame(conn, json.dumps(request).encode())
    _send_frame(conn, sys.stdin.buffer.read())
    header = json.loads(_recv_frame(conn))
    out = _recv_frame(conn)
    err = _recv_frame(conn)
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    sys.stderr.buffer.write(err)
    sys.stderr.flush()
    os._exit(header["status"])


def _child(conn: socket.socket) -> None:
    import runpy
    import signal
    import tempfile
    import traceback

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    request = json.loads(_recv_frame(conn))
    stdin = _recv_frame(conn)
    # As a process started for the call would be bounded by its caller's timeout.
    signal.alarm(int(request.get("timeout", 300)))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    files = [tempfile.TemporaryFile() for _ in range(3)]
    files[0].write(stdin)
    files[0].seek(0)
    for fd, f in enumerate(files):
        os.dup2(f.fileno(), fd)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", closefd=False)
    sys.stderr = open(2, "w", closefd=False)
    sys.argv = [request["script"], *request["args"]]
    sys.path[0] = os.path.dirname(request["script"])
    status = 0
    try:
        runpy.run_path(request["script"], run_name="__main__")
    except SystemExit as exc:
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException:  # as an uncaught exception in a script of its own
        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass
    results = []
    for fd in (1, 2):
        os.lseek(fd, 0, os.SEEK_SET)
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        results.append(b"".join(chunks))
    _send_frame(conn, json.dumps({"status": status}).encode())
    _send_frame(conn, results[0])
    _send_frame(conn, results[1])
    conn.close()


def serve(sock_path: str) -> None:
    import signal
    import warnings

    warnings.filterwarnings("ignore")
    os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
    # What the scripts import: loaded once here, shared by every forked call.
    import mlflow  # noqa: F401
    from mlflow import MlflowClient  # noqa: F401
    import mlflow.entities  # noqa: F401

    # Children are reaped by the kernel; the server never waits on them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path + ".tmp")
    listener.listen(64)
    # Only a listening socket has the final name: the harness waits for it to appear.
    os.rename(sock_path + ".tmp", sock_path)
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            try:
                _child(conn)
            finally:
                os._exit(0)
        conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
