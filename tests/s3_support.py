"""An S3-compatible server for the blob store tests: moto's, in a process of its own on
127.0.0.1, so that the tests make real S3 API calls over HTTP and nothing in our process is
patched.

    with S3Server() as server:                     # tests/conftest.py: the session's s3_server
        bucket = server.new_bucket()               # a fresh, empty bucket
        url = server.url(bucket, "archive")        # s3://<bucket>/archive?endpoint=http://127.0.0.1:<port>
        server.client().put_object(...)            # the bucket as its owner sees it (to damage it)
        server.fault("PUT", 501, "NotImplemented", header="If-None-Match")

In front of moto sits a little of what AWS does and moto does not:
- a PUT with an x-amz-checksum-sha256 header whose body does not hash to it is refused with
  400 BadDigest (moto 5 keeps the header without checking it);
- faults, set by the tests: the next matching request (by method, and by a header it carries)
  gets the given status and error code, e.g. a server without conditional writes.

Credentials are dummies (DUMMY_KEY_ID, DUMMY_SECRET); `environment()` is what a test sets so
that boto3 reads nothing of the developer's (~/.aws, AWS_PROFILE, an instance's metadata
service) and talks to no one but this server.

Run as a script (`python s3_support.py`) it is the server: it prints its port on a line,
and stops when its standard input closes (when the test process ends, however it ends).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

DUMMY_KEY_ID = "AKIAEMBEDARCHIVERTEST"
DUMMY_SECRET = "dummy-secret-d0-n0t-l0g-7c1e5a9b"
REGION = "us-east-1"
CONTROL = "/__s3_support__/fault"

# The AWS variables boto3 reads: a test unsets every one but those it sets.
_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_REGION",
    "AWS_CA_BUNDLE",
)


def environment(home: Path) -> dict[str, str | None]:
    """The environment a test runs the S3 client in (None: unset): dummy credentials, config
    files that do not exist under `home`, no instance metadata."""
    env: dict[str, str | None] = dict.fromkeys(_AWS_VARIABLES)
    env.update(
        AWS_ACCESS_KEY_ID=DUMMY_KEY_ID,
        AWS_SECRET_ACCESS_KEY=DUMMY_SECRET,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


class S3Server:
    """moto's S3 server in a child process on 127.0.0.1 (see the module)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.port = 0
        self._buckets = 0
        self._client: Any = None

    def __enter__(self) -> S3Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=DUMMY_KEY_ID, AWS_SECRET_ACCESS_KEY=DUMMY_SECRET)
        self._process = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # the server's port, once it listens
        if not line.startswith("port "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"moto's S3 server did not start (it said {line!r})")
        self.port = int(line.split()[1])
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is None:
            return
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, bucket: str, prefix: str = "archive") -> str:
        """The blob store URL of `prefix` in `bucket` on this server."""
        return f"s3://{bucket}/{prefix}?endpoint={self.endpoint}"

    def client(self) -> Any:
        """A plain boto3 client of this server, as the bucket's owner (not through our code)."""
        import boto3

        if self._client is None:
            session = boto3.session.Session(
                aws_access_key_id=DUMMY_KEY_ID, aws_secret_access_key=DUMMY_SECRET, region_name=REGION
            )
            self._client = session.client("s3", endpoint_url=self.endpoint)
        return self._client

    def new_bucket(self) -> str:
        self._buckets += 1
        name = f"blobs-{self._buckets}-{uuid.uuid4().hex[:8]}"
        self.client().create_bucket(Bucket=name)
        return name

    def fault(
        self, method: str, status: int, code: str, *, header: str | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` requests of `method` (that carry `header`, if given) with
        `status` and error `code`, instead of doing them."""
        self._control(
            "POST", {"method": method, "status": status, "code": code, "header": header, "times": times}
        )

    def clear_faults(self) -> None:
        self._control("DELETE", {})

    def _control(self, method: str, rule: dict[str, Any]) -> None:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, CONTROL, body=json.dumps(rule))
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
        finally:
            connection.close()


# The server's side: moto behind a WSGI layer of our own.

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
App = Callable[[Environ, StartResponse], Iterable[bytes]]


def _error(start_response: StartResponse, status: int, code: str, message: str) -> list[bytes]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>s3-support</RequestId></Error>"
    ).encode()
    reasons = {400: "Bad Request", 409: "Conflict", 412: "Precondition Failed", 500: "Internal Server Error"}
    reason = reasons.get(status, "Not Implemented" if status == 501 else "Error")
    start_response(
        f"{status} {reason}", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    )
    return [body]


class AwsChecks:
    """What AWS checks and moto does not, and the tests' faults (see the module)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.rules: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") == CONTROL:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            with self.lock:
                if method == "DELETE":
                    self.rules.clear()
                else:
                    self.rules.append(json.loads(body))
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        rule = self._take(method, environ)
        if rule is not None:
            return _error(start_response, rule["status"], rule["code"], "a fault the test asked for")
        claimed = environ.get("HTTP_X_AMZ_CHECKSUM_SHA256")
        if method == "PUT" and claimed:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            actual = base64.b64encode(hashlib.sha256(body).digest()).decode()
            if actual != claimed:
                return _error(
                    start_response,
                    400,
                    "BadDigest",
                    "The SHA256 you specified did not match the calculated checksum.",
                )
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    def _take(self, method: str, environ: Environ) -> dict[str, Any] | None:
        with self.lock:
            for rule in self.rules:
                header = rule["header"]
                wanted = header is None or f"HTTP_{header.upper().replace('-', '_')}" in environ
                if rule["method"] == method and wanted and rule["times"] > 0:
                    rule["times"] -= 1
                    return rule
        return None


def serve() -> None:
    """Run the server on a free port of 127.0.0.1 until standard input closes."""
    import logging

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = AwsChecks(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"port {server.server_port}", flush=True)
    sys.stdin.read()  # until the test process closes it, or ends
    server.shutdown()


if __name__ == "__main__":
    serve()
