"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, Backblaze B2), through boto3:
the same guarantees as the local folder (storage.blobs), over the S3 API.

    blobs = open_blobs("s3://bucket/prefix")      # storage.backends picks this module by scheme
    blobs = S3Blobs.from_url("s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=eu-west-1")

Where. A blob is the object <prefix>/ab/cd/<sha256>: the folder's layout, so a folder copied
into the bucket (or back) is the same store. The endpoint, region and credentials come from
boto3's usual places (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID
and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/config and credentials, an instance role); the
URL may name an `endpoint` and a `region`, never credentials (a URL with any is refused). With
an endpoint in the URL, buckets are addressed by path (http://host/bucket/key), which every
S3-compatible server takes.

Writing, once. A blob is spooled (an anonymous temp file: a killed write leaves nothing) and
hashed, then stored by one request:

1. HEAD: a blob already there is not sent again (and, unlike a file, not touched: S3 cannot
   change an object's time without rewriting it; repair goes by when it was first written).
2. PUT with `If-None-Match: *` (a conditional write) and `x-amz-checksum-sha256` (the SHA-256
   the blob is named by): the server stores it only if no object has that key, and only if
   the bytes that reached it hash to its name (else 400 BadDigest, and nothing is stored).
   412 Precondition Failed means another writer stored the same key first: by its name, the
   same bytes, so that is success. A server without conditional writes (501 NotImplemented)
   gets plain PUTs after the HEAD from then on: two writers racing past the HEAD then both
   write the same bytes, which is harmless too.

One PUT takes up to 5 GiB, far above the media cap (200 MB by default): a larger blob is
refused. A multipart upload would take more, but its checksums are per part: the server would
no longer check the whole object against its name.

Reading. `open` streams the object (GET); every read that matters re-hashes what it reads
(Blobs.verify, archiver/outputs/blobs.py). `inventory` lists the prefix: verify re-hashes
what it lists, and repair deletes an orphan whose LastModified is older than its threshold.

Credentials are boto3's alone: nothing here reads, keeps or says them, and botocore's loggers
(whose DEBUG records carry request headers: the access key id, a session token) are held at
INFO, unless something set their level already.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO
from urllib.parse import parse_qsl, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from storage.blobs import CHUNK, Blobs, fan_out, hash_stream, is_sha256
from storage.errors import StoreError

log = logging.getLogger(__name__)

MAX_PUT = 5 * 1024**3  # the most one PUT takes
_QUERY = ("endpoint", "region")
_MISSING = {"404", "NoSuchKey", "NotFound"}
_BAD_DIGEST = {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"}
_CONFLICT_TRIES = 3
_BUCKET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}")


def _hush_botocore() -> None:
    """Keep botocore's DEBUG records (request headers, hence credentials) out of any log."""
    for name in ("botocore", "boto3", "s3transfer"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _error_code(exc: ClientError) -> tuple[str, int]:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return str(error.get("Code", "")), int(status or 0)


class S3Blobs(Blobs):
    """Blobs as objects <prefix>/ab/cd/<sha256> in `bucket` (see the module)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        read_only: bool = False,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.region = region
        self.read_only = read_only
        self._client: Any = None
        self._lock = threading.Lock()
        self._conditional = True  # until the server says it has no conditional writes

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> S3Blobs:
        """The store an s3://bucket/prefix URL names (optional query: endpoint=URL, region=NAME).
        StoreError for a URL that is not one, or that carries credentials (which it does not
        repeat)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = urlsplit("")
        if parts.scheme.lower() != "s3":
            raise StoreError("a blob store in a bucket is named s3://bucket/prefix")
        if "@" in parts.netloc:
            raise StoreError(
                "the blob store URL holds credentials: give them as AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws, never in the URL"
            )
        bucket = parts.netloc
        if not _BUCKET.fullmatch(bucket):  # (not repeated: "bucket:password" is no bucket either)
            raise StoreError("no bucket in the blob store URL: it is s3://bucket/prefix")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        unknown = sorted(set(query) - set(_QUERY))
        if unknown:
            raise StoreError(
                f"the blob store URL s3://{bucket}/… has {', '.join(unknown)}: it takes only "
                + " and ".join(_QUERY)
            )
        endpoint = query.get("endpoint") or None
        if endpoint is not None:
            where = urlsplit(endpoint)
            if where.scheme not in ("http", "https") or not where.hostname:
                raise StoreError(f"the endpoint of s3://{bucket}/… is not an http(s) URL")
            if "@" in where.netloc:
                raise StoreError(
                    f"the endpoint of s3://{bucket}/… holds credentials: give them as AWS_* settings"
                )
        return cls(
            bucket, parts.path, endpoint_url=endpoint, region=query.get("region") or None, read_only=read_only
        )

    def __repr__(self) -> str:
        return f"S3Blobs({self.location!r})"

    def __str__(self) -> str:
        return self.location

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    @property
    def client(self) -> Any:
        """The boto3 S3 client, made on first use (boto3's credentials, endpoint and region)."""
        with self._lock:
            if self._client is None:
                _hush_botocore()
                config = Config(
                    connect_timeout=10,
                    read_timeout=60,
                    # our own SHA-256 header instead of the CRC botocore would add to each request
                    # (which not every S3-compatible server takes)
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                    s3={"addressing_style": "path"} if self.endpoint_url else None,
                    user_agent_extra="embed-archiver",
                )
                try:
                    session = boto3.session.Session(region_name=self.region)
                    self._client = session.client("s3", endpoint_url=self.endpoint_url, config=config)
                except BotoCoreError as exc:  # a profile that is not there, a bad config file
                    raise StoreError(f"cannot use the blob store {self}: {_one_line(exc)}") from None
            return self._client

    def key(self, sha: str) -> str:
        """The object a blob is: <prefix>/ab/cd/<sha256>."""
        return f"{self.prefix}/{fan_out(sha)}" if self.prefix else fan_out(sha)

    def _error(self, exc: Exception, doing: str) -> StoreError:
        """The one-line StoreError for `exc` (boto3's), met while `doing` something."""
        if isinstance(exc, NoCredentialsError):
            return StoreError(
                f"no AWS credentials for the blob store {self}: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (~/.aws)"
            )
        if isinstance(exc, ClientError):
            code, status = _error_code(exc)
            if code == "NoSuchBucket" or (status == 404 and doing == "checking the bucket"):
                return StoreError(f"the blob store {self}: the bucket {self.bucket} does not exist")
            if status == 403:
                return StoreError(f"the blob store {self}: access denied {doing} ({code or 403})")
            message = _one_line(exc.response.get("Error", {}).get("Message", ""))
            said = f"{code or status}" + (f": {message}" if message else "")
            return StoreError(f"the blob store {self}: {doing}: {said}")
        return StoreError(f"the blob store {self}: {doing}: {_one_line(exc)}")

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise self._error(exc, "checking the bucket") from None

    # Writing

    def put(self, data: bytes) -> str:
        """Store `data` (once) and return its SHA-256: sent as it is, no spool."""
        self._writable()
        sha = hashlib.sha256(data).hexdigest()
        self._upload(sha, io.BytesIO(data), len(data))
        return sha

    def put_file(self, path: Path, max_bytes: int | None = None) -> str:
        """Store the file at `path`, hashed first, then sent from where it is; a file changed
        in between does not match its checksum, and the server refuses it (StoreError)."""
        self._writable()
        with open(path, "rb") as f:
            sha, size = hash_stream(f, max_bytes)
            self._upload(sha, f, size)
        return sha

    def _spool(self) -> tuple[IO[bytes], Path | None]:
        """An anonymous temp file (in TMPDIR): it has no name, so a killed write leaves nothing."""
        try:
            return tempfile.TemporaryFile(prefix="archiver-blob-"), None
        except OSError as exc:
            raise StoreError(f"cannot spool a blob for {self}: {exc.strerror or exc}") from None

    def _commit(self, spool: IO[bytes], temp: Path | None, sha: str, size: int) -> None:
        try:
            spool.flush()
            self._upload(sha, spool, size)
        except OSError as exc:
            raise StoreError(f"cannot spool blob {sha} for {self}: {exc.strerror or exc}") from None
        finally:
            spool.close()

    def _touch(self, sha: str) -> None:
        return None  # an object's time cannot change without rewriting it (see the module)

    def _upload(self, sha: str, body: IO[bytes], size: int) -> None:
        """Store blob `sha` from `body` (`size` bytes), once, checked (see the module)."""
        if size > MAX_PUT:
            raise StoreError(f"blob {sha} is {size:,} bytes: more than the 5 GiB one S3 PUT takes")
        checksum = base64.b64encode(bytes.fromhex(sha)).decode()
        for attempt in range(_CONFLICT_TRIES):
            if self.exists(sha):
                log.debug("blob %s is in %s already", sha, self)
                return
            body.seek(0)
            request = {
                "Bucket": self.bucket,
                "Key": self.key(sha),
                "Body": body,
                "ContentLength": size,
                "ContentType": "application/octet-stream",
                "ChecksumAlgorithm": "SHA256",
                "ChecksumSHA256": checksum,
            }
            if self._conditional:
                request["IfNoneMatch"] = "*"
            try:
                self.client.put_object(**request)
            except ClientError as exc:
                code, status = _error_code(exc)
                if status == 412 or code == "PreconditionFailed":
                    log.debug("blob %s: another writer stored it in %s first", sha, self)
                    return
                if status == 409 or code == "ConditionalRequestConflict":  # another write of it in flight
                    time.sleep(0.1 * (attempt + 1))
                    continue
                if self._conditional and (status == 501 or code == "NotImplemented"):
                    log.warning("%s has no conditional writes: a HEAD before each write instead", self)
                    self._conditional = False
                    continue
                if code in _BAD_DIGEST:
                    raise StoreError(
                        f"blob {sha} was not stored in {self}: the bytes that reached it do not hash "
                        f"to its name ({code})"
                    ) from None
                raise self._error(exc, f"storing blob {sha}") from None
            except BotoCoreError as exc:
                raise self._error(exc, f"storing blob {sha}") from None
            log.debug("stored blob %s (%d bytes) in %s", sha, size, self)
            return
        raise StoreError(f"blob {sha} was not stored in {self}: other writes of it kept conflicting")

    # Reading

    def _head(self, sha: str) -> dict[str, Any] | None:
        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=self.key(sha))
        except ClientError as exc:
            if _error_code(exc)[0] in _MISSING:
                return None
            raise self._error(exc, f"looking for blob {sha}") from None
        except BotoCoreError as exc:
            raise self._error(exc, f"looking for blob {sha}") from None
        return head

    def _found(self, sha: str) -> dict[str, Any]:
        head = self._head(sha)
        if head is None:
            raise FileNotFoundError(f"no blob {sha} in {self}")
        return head

    def exists(self, sha: str) -> bool:
        return self._head(sha) is not None

    def size(self, sha: str) -> int:
        return int(self._found(sha)["ContentLength"])

    def modified(self, sha: str) -> float:
        return float(self._found(sha)["LastModified"].timestamp())

    def open(self, sha: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(sha))
        except ClientError as exc:
            if _error_code(exc)[0] in _MISSING:
                raise FileNotFoundError(f"no blob {sha} in {self}") from None
            raise self._error(exc, f"reading blob {sha}") from None
        except BotoCoreError as exc:
            raise self._error(exc, f"reading blob {sha}") from None
        return io.BufferedReader(_ObjectReader(response["Body"], self, sha), CHUNK)

    def where(self, sha: str) -> str:
        return f"s3://{self.bucket}/{self.key(sha)}"

    def inventory(self) -> tuple[list[str], Sequence[Path | str]]:
        """One listing of the prefix: the blobs, and the strays (as s3:// URLs)."""
        start = f"{self.prefix}/" if self.prefix else ""
        blobs: list[str] = []
        strays: list[Path | str] = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=start
            ):
                for item in page.get("Contents", ()):
                    key = str(item["Key"])
                    name = key.rsplit("/", 1)[-1]
                    if is_sha256(name) and key == self.key(name):
                        blobs.append(name)
                    else:
                        strays.append(f"s3://{self.bucket}/{key}")
        except (BotoCoreError, ClientError) as exc:
            raise self._error(exc, "listing the blobs") from None
        return sorted(blobs), strays

    # Housekeeping

    def discard(self, sha: str) -> int:
        self._writable()
        size = self.size(sha)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(sha))
        except (BotoCoreError, ClientError) as exc:
            raise self._error(exc, f"deleting blob {sha}") from None
        return size


class _ObjectReader(io.RawIOBase):
    """An object's body (a GET's StreamingBody) as a file to read; trouble mid-stream is a
    one-line StoreError."""

    def __init__(self, body: Any, blobs: S3Blobs, sha: str) -> None:
        self._body = body
        self._blobs = blobs
        self._sha = sha

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._body.read(len(buffer))
        except BotoCoreError as exc:
            raise self._blobs._error(exc, f"reading blob {self._sha}") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()
