"""RFC 3161 trusted timestamps of a manifest: proof from a Time-Stamping Authority (TSA) that the
manifest, hence every file it lists by SHA-256, existed at a given time.

    token = stamp(manifest_bytes, "https://tsa.example/tsr", client)   # DER TimeStampResp
    when = verify(manifest_bytes, token, roots=[ca_certificate])       # raises TimestampError
    stamp_it = stamper("https://tsa.example/tsr", make_client, ca_file)  # for a report or WACZ

The token is kept beside the manifest as `<manifest>.tsr`; anyone can check it without this
tool: `openssl ts -verify -data hashes.txt -in hashes.txt.tsr -CAfile tsa-ca.pem`.
A token is verified as soon as it is received (its imprint is the manifest's SHA-256, its nonce
the one we sent and, given the TSA's CA certificate, its signature and certificate), and again
by `archiver check-report`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import httpx
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from archiver.errors import ArchiverError

SHA256_OID = "2.16.840.1.101.3.4.2.1"


class TimestampError(ArchiverError):
    """A TSA did not give a timestamp, or a timestamp does not prove what it should."""


def load_certificates(path: Path) -> list[x509.Certificate]:
    """The certificates of a PEM (or DER) file: the TSA's CA, to verify tokens against."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TimestampError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise TimestampError(f"{path} holds no certificate (PEM or DER)") from None


def stamp(
    data: bytes, tsa_url: str, client: httpx.Client, roots: list[x509.Certificate] | None = None
) -> bytes:
    """Ask the TSA at `tsa_url` to timestamp `data` (its SHA-256); the verified DER response."""
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        response = client.post(
            tsa_url,
            content=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
        )
    except httpx.HTTPError as exc:
        raise TimestampError(f"timestamp authority {tsa_url}: {exc}") from None
    if response.status_code != 200:
        raise TimestampError(f"timestamp authority {tsa_url} answered HTTP {response.status_code}")
    verify(data, response.content, roots=roots, nonce=request.nonce)
    return response.content


def stamper(
    tsa_url: str, client: Callable[[], httpx.Client], ca_file: Path | None = None
) -> Callable[[bytes], bytes]:
    """A function timestamping bytes at `tsa_url` (each token verified on receipt, against the
    CA in `ca_file` when given); `client()` makes the HTTP client for each request."""
    roots = load_certificates(ca_file) if ca_file is not None else None  # read once, now

    def stamp_at_tsa(data: bytes) -> bytes:
        with client() as http:
            return stamp(data, tsa_url, http, roots)

    return stamp_at_tsa


def token_checker(ca_file: Path | None = None) -> Callable[[bytes, bytes], str]:
    """A function telling when a token says some data existed (TimestampError when it does not
    prove it); without `ca_file` the token's signature is not checked, and it says so."""
    roots = load_certificates(ca_file) if ca_file is not None else None

    def check(data: bytes, token: bytes) -> str:
        when = verify(data, token, roots=roots).isoformat()
        return when if roots is not None else f"{when} (its signature unchecked: give --tsa-ca)"

    return check


def _decode(token: bytes) -> TimeStampResponse:
    try:
        return decode_timestamp_response(token)
    except ValueError as exc:
        raise TimestampError(f"not an RFC 3161 timestamp response: {exc}") from None


def verify(
    data: bytes, token: bytes, roots: list[x509.Certificate] | None = None, nonce: int | None = None
) -> datetime:
    """When the TSA says `data` existed; TimestampError when the token does not prove it.

    With `roots` the token's signature and the TSA's certificate (which must chain to one of
    them, with the time-stamping usage) are checked too; without, only that the token was
    granted for exactly this data (its SHA-256 imprint) and, when given, this nonce.
    """
    response = _decode(token)
    if roots is None:
        if PKIStatus(response.status) not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
            raise TimestampError(f"the timestamp authority refused: status {response.status}")
        imprint = response.tst_info.message_imprint
        if (
            imprint.hash_algorithm != x509.ObjectIdentifier(SHA256_OID)
            or imprint.message != sha256(data).digest()
        ):
            raise TimestampError("the timestamp does not verify: it is not of this data's SHA-256")
        if nonce is not None and response.tst_info.nonce != nonce:
            raise TimestampError("the timestamp does not verify: its nonce is not the one sent")
        return response.tst_info.gen_time
    builder = VerifierBuilder()
    for certificate in roots:
        builder = builder.add_root_certificate(certificate)
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TimestampError(f"the timestamp does not verify: {exc}") from None
    return response.tst_info.gen_time
