"""A small RFC 3161 Time-Stamping Authority on 127.0.0.1 for tests: a CA and a TSA certificate
made here (the TSA's with the critical id-kp-timeStamping usage RFC 3161 asks for), and an HTTP
server that answers each timestamp query with `openssl ts -reply` (OpenSSL's own TSA)."""

from __future__ import annotations

import datetime
import http.server
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from loopback import _Served

OPENSSL = shutil.which("openssl")

_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: Any, issuer: str, issuer_key: Any, *, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(issuer_key, hashes.SHA256())


class LoopbackTSA(_Served):
    """`url` takes POSTed timestamp queries; `ca_pem` is the root to verify tokens against."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="tsa-")
        folder = Path(self._dir.name)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        tsa_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate("Test TSA Root", ca_key, "Test TSA Root", ca_key, ca=True)
        tsa = _certificate("Test TSA", tsa_key, "Test TSA Root", ca_key, ca=False)
        self.ca_pem = folder / "ca.pem"
        self.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (folder / "tsa.pem").write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
        (folder / "tsa.key").write_bytes(
            tsa_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        (folder / "serial").write_text("01\n")
        config = folder / "ts.cnf"
        config.write_text(_CONFIG.format(dir=folder))
        self.queries = 0
        tsa_server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                tsa_server.queries += 1
                with tempfile.TemporaryDirectory(dir=folder) as work:
                    (Path(work) / "q.tsq").write_bytes(query)
                    done = subprocess.run(
                        [str(OPENSSL), "ts", "-reply", "-config", str(config), "-queryfile",
                         f"{work}/q.tsq", "-out", f"{work}/r.tsr"],
                        capture_output=True,
                        timeout=20,
                    )  # fmt: skip
                    answer = (Path(work) / "r.tsr").read_bytes() if done.returncode == 0 else b""
                self.send_response(200 if answer else 400)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsr"

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self._dir.cleanup()
