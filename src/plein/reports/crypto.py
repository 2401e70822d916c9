"""All cryptography of the reporting channel, as small pure functions over bytes (PyNaCl / libsodium).

Nothing else in the project encrypts or decrypts report data. The design is in ``docs/adr/0002-report-encryption.md``:

* every report has a random 32-byte **report key**; content, identity and messages are SecretBox
  (XSalsa20-Poly1305) ciphertexts under it, attachments are secretstream (XChaCha20-Poly1305) streams under a
  per-file key that is itself a SecretBox ciphertext under the report key;
* the report key is **wrapped** with SealedBox for each handler's and the organisation's recovery Curve25519
  public key, and with SecretBox under the reporter's **receipt key**;
* a handler's private key is kept only as a SecretBox ciphertext under a key derived from their **vault passphrase**
  with Argon2id; an unlocked key lives only split between the session (ciphertext) and a browser cookie (key);
* the **receipt code** gives, through one Argon2id call, a lookup value (stored, hashed) and the receipt key.

Every Argon2id call goes through ``argon2_slot()``, a process-wide bounded semaphore, so that a burst of requests
cannot exhaust memory: memory budget = workers x ``ARGON2_CONCURRENCY`` x memlimit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = 32
SALT_BYTES = argon2id.SALTBYTES  # 16
RECEIPT_DIGITS = 16
CHUNK_BYTES = 64 * 1024
_STREAM_HEADER = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_STREAM_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_RECOVERY_CHECK_BYTES = 3
_B32_FIXES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


class CryptoError(Exception):
    """A ciphertext was tampered with, truncated, or opened with the wrong key."""


class Argon2Busy(Exception):
    """Too many Argon2id derivations are running in this process; the caller should answer "busy, try again"."""


# --- Symmetric encryption (SecretBox) -------------------------------------------------------------------------


def new_key() -> bytes:
    """A fresh random 32-byte key (report key, file key, session wrapping key)."""
    return nacl.utils.random(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    """SecretBox (XSalsa20-Poly1305) with a random 24-byte nonce prepended."""
    return bytes(SecretBox(key).encrypt(plaintext))


def decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SecretBox(key).decrypt(bytes(ciphertext))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise CryptoError("could not decrypt") from exc


def encrypt_json(key: bytes, value) -> bytes:
    return encrypt(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def decrypt_json(key: bytes, ciphertext: bytes):
    return json.loads(decrypt(key, ciphertext).decode("utf-8"))


# --- Public-key wrapping (SealedBox) --------------------------------------------------------------------------


def generate_keypair() -> tuple[bytes, bytes]:
    """A Curve25519 key pair as (public, private) raw 32-byte values."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def public_key_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """Encrypt for a public key (anonymous sender): used to wrap a report key for a handler or for recovery."""
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(plaintext))


def unseal(private_key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(ciphertext))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise CryptoError("could not unseal") from exc


def fingerprint(public_key: bytes) -> str:
    """A short, human-comparable fingerprint of a public key (for the set-up pages)."""
    digest = hashlib.blake2b(bytes(public_key), digest_size=10, person=b"plein-fpr").hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


# --- Argon2id, bounded ----------------------------------------------------------------------------------------

_argon2_lock = threading.Lock()
_argon2_semaphore: threading.BoundedSemaphore | None = None
_argon2_size = 0


def _semaphore(concurrency: int) -> threading.BoundedSemaphore:
    global _argon2_semaphore, _argon2_size
    with _argon2_lock:
        if _argon2_semaphore is None or _argon2_size != concurrency:
            _argon2_semaphore = threading.BoundedSemaphore(max(1, concurrency))
            _argon2_size = concurrency
        return _argon2_semaphore


def _argon2_settings() -> tuple[int, float]:
    from django.conf import settings

    conf = settings.PLEIN
    return int(conf.get("ARGON2_CONCURRENCY", 2)), float(conf.get("ARGON2_WAIT_SECONDS", 5))


@contextmanager
def argon2_slot(concurrency: int | None = None, wait_seconds: float | None = None):
    """Hold one of the process's Argon2 slots; raise ``Argon2Busy`` when none frees up within ``wait_seconds``."""
    if concurrency is None or wait_seconds is None:
        default_concurrency, default_wait = _argon2_settings()
        concurrency = default_concurrency if concurrency is None else concurrency
        wait_seconds = default_wait if wait_seconds is None else wait_seconds
    semaphore = _semaphore(concurrency)
    if not semaphore.acquire(timeout=wait_seconds):
        raise Argon2Busy
    try:
        yield
    finally:
        semaphore.release()


def derive(secret: bytes, salt: bytes, *, size: int, opslimit: int, memlimit: int) -> bytes:
    """Argon2id key derivation, inside an Argon2 slot."""
    with argon2_slot():
        return argon2id.kdf(size, bytes(secret), bytes(salt), opslimit=opslimit, memlimit=memlimit)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


# --- Handler vault --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vault:
    public_key: bytes
    encrypted_private_key: bytes
    salt: bytes
    opslimit: int
    memlimit: int


def create_vault(passphrase: str, *, opslimit: int, memlimit: int) -> Vault:
    """A new handler key pair whose private key is stored only under the passphrase-derived key."""
    public, private = generate_keypair()
    salt = new_salt()
    key = derive(passphrase.encode("utf-8"), salt, size=KEY_BYTES, opslimit=opslimit, memlimit=memlimit)
    return Vault(public, encrypt(key, private), salt, opslimit, memlimit)


def open_vault(passphrase: str, vault: Vault) -> bytes:
    """The private key, or ``CryptoError`` for a wrong passphrase (or a tampered record)."""
    key = derive(
        passphrase.encode("utf-8"), vault.salt, size=KEY_BYTES, opslimit=vault.opslimit, memlimit=vault.memlimit
    )
    private = decrypt(key, vault.encrypted_private_key)
    if public_key_of(private) != bytes(vault.public_key):
        raise CryptoError("the vault does not match its public key")
    return private


def rekey_vault(private_key: bytes, passphrase: str, *, opslimit: int, memlimit: int) -> Vault:
    """The same key pair under a new passphrase."""
    salt = new_salt()
    key = derive(passphrase.encode("utf-8"), salt, size=KEY_BYTES, opslimit=opslimit, memlimit=memlimit)
    return Vault(public_key_of(private_key), encrypt(key, private_key), salt, opslimit, memlimit)


# --- Split keys (unlocked vault, reporter session) ------------------------------------------------------------


def split_secret(secret: bytes) -> tuple[bytes, bytes]:
    """Encrypt ``secret`` under a fresh wrapping key: (wrapping key for the browser, ciphertext for the server)."""
    wrapping_key = new_key()
    return wrapping_key, encrypt(wrapping_key, secret)


def join_secret(wrapping_key: bytes, ciphertext: bytes) -> bytes:
    return decrypt(wrapping_key, ciphertext)


def b64encode(value: bytes) -> str:
    return base64.urlsafe_b64encode(bytes(value)).decode("ascii").rstrip("=")


def b64decode(value: str) -> bytes:
    """Decode URL-safe base64 without padding; ``CryptoError`` for anything malformed."""
    try:
        text = value.strip()
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError, AttributeError) as exc:
        raise CryptoError("malformed base64") from exc


def token_id(token: bytes, purpose: bytes) -> str:
    """A public identifier for a secret token (for cache keys), from which the token cannot be recovered."""
    return hashlib.blake2b(bytes(token), digest_size=32, person=purpose[:16]).hexdigest()


# --- Receipt codes --------------------------------------------------------------------------------------------


def new_receipt_code() -> str:
    """16 random decimal digits: 10^16 possible codes."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def format_receipt(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_receipt(text: str) -> str | None:
    """Digits only (spaces and dashes allowed between them); ``None`` when it cannot be a receipt code."""
    cleaned = "".join(ch for ch in (text or "") if ch not in " -\t.")
    if len(cleaned) != RECEIPT_DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        return None
    return cleaned


@dataclass(frozen=True)
class ReceiptMaterial:
    lookup: str  # hex; stored in a unique index
    key: bytes  # wraps the report key; never stored


def receipt_material(code: str, salt: bytes, *, opslimit: int, memlimit: int) -> ReceiptMaterial:
    """One Argon2id call: out = argon2id(code, salt, 64 bytes); lookup = blake2b(out[:32]); key = out[32:]."""
    out = derive(code.encode("ascii"), salt, size=2 * KEY_BYTES, opslimit=opslimit, memlimit=memlimit)
    lookup = hashlib.blake2b(out[:KEY_BYTES], digest_size=32, person=b"plein-receipt").hexdigest()
    return ReceiptMaterial(lookup=lookup, key=out[KEY_BYTES:])


# --- Recovery key ---------------------------------------------------------------------------------------------


def format_recovery_key(private_key: bytes) -> str:
    """The private key plus a 3-byte check value in base32, in groups of four (14 groups of A-Z and 2-7)."""
    check = hashlib.blake2b(bytes(private_key), digest_size=_RECOVERY_CHECK_BYTES, person=b"plein-recovery").digest()
    text = base64.b32encode(bytes(private_key) + check).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """The private key from its printed form; ``CryptoError`` when it is mistyped (the check value fails)."""
    cleaned = "".join(ch for ch in (text or "").upper() if not ch.isspace() and ch != "-").translate(_B32_FIXES)
    try:
        raw = base64.b32decode(cleaned)
    except (ValueError, TypeError) as exc:
        raise CryptoError("not a recovery key") from exc
    if len(raw) != KEY_BYTES + _RECOVERY_CHECK_BYTES:
        raise CryptoError("not a recovery key")
    private, check = raw[:KEY_BYTES], raw[KEY_BYTES:]
    expected = hashlib.blake2b(private, digest_size=_RECOVERY_CHECK_BYTES, person=b"plein-recovery").digest()
    if not hmac.compare_digest(check, expected):
        raise CryptoError("not a recovery key")
    return private


# --- Keyed hashes for rate limits -----------------------------------------------------------------------------

# Created once per process (before the fork when gunicorn preloads the app). Never stored, never logged: a copy of the
# cache therefore cannot be turned back into client addresses by trying all of them.
_PROCESS_KEY = nacl.utils.random(KEY_BYTES)


def client_tag(address: str, purpose: str) -> str:
    """HMAC-BLAKE2b of a client address with the per-process key: a rate-limit key that is not the address."""
    data = f"{purpose}\x00{address}".encode()
    return hashlib.blake2b(data, key=_PROCESS_KEY, digest_size=20).hexdigest()


# --- Streams (attachments) ------------------------------------------------------------------------------------


def _chunks(source: BinaryIO, size: int) -> Iterator[bytes]:
    while True:
        block = source.read(size)
        if not block:
            return
        yield block


def encrypt_stream(key: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """secretstream XChaCha20-Poly1305: the 24-byte header, then one ciphertext block per input chunk.

    Input chunks are re-cut to ``CHUNK_BYTES`` so that decryption can read fixed-size blocks; only one chunk is held
    at a time, and the last block carries the FINAL tag (an empty file is one empty FINAL block).
    """
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    yield sodium.crypto_secretstream_xchacha20poly1305_init_push(state, bytes(key))
    pending = b""
    previous: bytes | None = None
    for chunk in chunks:
        pending += chunk
        while len(pending) >= CHUNK_BYTES:
            block, pending = pending[:CHUNK_BYTES], pending[CHUNK_BYTES:]
            if previous is not None:
                yield sodium.crypto_secretstream_xchacha20poly1305_push(state, previous, tag=_TAG_MESSAGE)
            previous = block
    if previous is not None and pending:
        yield sodium.crypto_secretstream_xchacha20poly1305_push(state, previous, tag=_TAG_MESSAGE)
        previous = pending
    elif previous is None:
        previous = pending
    yield sodium.crypto_secretstream_xchacha20poly1305_push(state, previous, tag=_TAG_FINAL)


def encrypt_file(key: bytes, source: BinaryIO) -> Iterator[bytes]:
    return encrypt_stream(key, _chunks(source, CHUNK_BYTES))


def decrypt_stream(key: bytes, source: BinaryIO) -> Iterator[bytes]:
    """Plaintext chunks of a stream written by ``encrypt_stream``.

    Raises ``CryptoError`` for a tampered or reordered block, a missing end (truncation) or data after the end.
    """
    header = source.read(_STREAM_HEADER)
    if len(header) != _STREAM_HEADER:
        raise CryptoError("the file is truncated")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, bytes(key))
    except (nacl.exceptions.CryptoError, ValueError) as exc:
        raise CryptoError("bad stream header") from exc
    while True:
        block = source.read(CHUNK_BYTES + _STREAM_ABYTES)
        if not block:
            raise CryptoError("the file is truncated")
        try:
            message, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, block)
        except (nacl.exceptions.CryptoError, ValueError, RuntimeError) as exc:
            raise CryptoError("the file was changed") from exc
        if tag == _TAG_FINAL:
            if source.read(1):
                raise CryptoError("data after the end of the file")
            if message:
                yield message
            return
        yield message


def encrypted_size(plain_size: int) -> int:
    """The stored size of a stream of ``plain_size`` bytes (for tests and capacity planning)."""
    blocks = max(1, -(-plain_size // CHUNK_BYTES))
    return _STREAM_HEADER + plain_size + blocks * _STREAM_ABYTES
