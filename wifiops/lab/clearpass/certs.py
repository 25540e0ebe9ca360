"""The lab's own certificate authority, and one server certificate per ClearPass host.

A real ClearPass presents an HTTPS certificate its owner had signed; the toolkit verifies it against a CA
file and never turns verification off. The lab plays the owner: it makes a CA and signs each server's
certificate with it (names: the host's name, `localhost`, and the address it listens on), then writes the
CA certificate where the toolkit finds it, next to the inventory as the known-hosts file is
(`clearpass-ca.pem`, or the manifest's `clearpass_ca`).

A lab with a state dir keeps them in `<state>/clearpass_tls/` (0700; keys 0600), so a CA file handed to
the toolkit stays good across restarts; the test lab keeps them in its work dir. Keys are EC P-256: made in
a millisecond, where RSA 2048 takes a tenth of a second each. The extensions are those Python's ssl module
insists on under VERIFY_X509_STRICT (3.13's default): a critical basicConstraints, keyUsage, and the key
identifiers.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wifiops.lab.files import PUBLIC_FILE, private_dir, write_atomically
from wifiops.lab.hostkeys import HostKeyError

TLS_DIR = "clearpass_tls"
CA_NAME = "wifiops lab ClearPass CA"
CA_DAYS = 3650
SERVER_DAYS = 825  # the longest a browser accepts for a server certificate
RENEW_BEFORE = datetime.timedelta(days=30)
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # a host name becomes a file name


@dataclass(frozen=True)
class ServerTls:
    """Where one server's certificate chain and key are, and the TLS context that serves them."""

    host: str
    cert: Path
    key: Path

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert, self.key)
        return context


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _load(cert_path: Path, key_path: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """A certificate and its key as found, or None when missing, unreadable or near its end."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or cert.not_valid_after_utc - RENEW_BEFORE < _now():
        return None
    return cert, key


def _ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey, bool]:
    """The CA kept in `directory`, made when missing; the bool says whether it is new."""
    cert_path, key_path = directory / "ca.pem", directory / "ca.key"
    found = _load(cert_path, key_path)
    if found is not None:
        return found[0], found[1], False
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    now = _now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    write_atomically(key_path, _key_pem(key))
    write_atomically(cert_path, cert.public_bytes(serialization.Encoding.PEM), PUBLIC_FILE)
    return cert, key, True


def _server(directory: Path, host: str, addresses: Iterable[str], ca_cert: x509.Certificate,
            ca_key: ec.EllipticCurvePrivateKey, renew: bool) -> ServerTls:
    if not _SAFE_NAME.fullmatch(host):
        raise HostKeyError(f"host name {host!r} cannot name a certificate file (letters, digits, . _ - only)")
    cert_path, key_path = directory / f"server-{host}.pem", directory / f"server-{host}.key"
    wanted = sorted({host, "localhost", *addresses})
    found = None if renew else _load(cert_path, key_path)
    if found is not None and _names(found[0]) == wanted and found[0].issuer == ca_cert.subject:
        return ServerTls(host, cert_path, key_path)
    key = _new_key()
    sans: list[x509.GeneralName] = []
    for name in wanted:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            sans.append(x509.DNSName(name))
    now = _now()
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    write_atomically(key_path, _key_pem(key))
    write_atomically(cert_path, cert.public_bytes(serialization.Encoding.PEM), PUBLIC_FILE)
    return ServerTls(host, cert_path, key_path)


def _names(cert: x509.Certificate) -> list[str]:
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return sorted([str(v) for v in sans.get_values_for_type(x509.IPAddress)]
                  + sans.get_values_for_type(x509.DNSName))


class LabCertificates:
    """The lab's CA and its servers' certificates, kept in `<directory>/clearpass_tls/`."""

    def __init__(self, directory: Path) -> None:
        self.directory = private_dir(directory / TLS_DIR)
        self.ca_cert, self.ca_key, self._ca_is_new = _ca(self.directory)

    @property
    def ca_file(self) -> Path:
        return self.directory / "ca.pem"

    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)

    def server(self, host: str, addresses: Iterable[str] = ("127.0.0.1",)) -> ServerTls:
        """`host`'s certificate for these addresses, signed by the CA (made or renewed when needed)."""
        return _server(self.directory, host, addresses, self.ca_cert, self.ca_key, renew=self._ca_is_new)

    def write_ca(self, path: Path) -> None:
        """The CA certificate where the toolkit looks for it (0644: a certificate is public)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, self.ca_pem(), PUBLIC_FILE)
