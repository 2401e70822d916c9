import io
import threading
import time

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from plein.reports import crypto

CHEAP = {"opslimit": 1, "memlimit": 8192}


def test_secretbox_round_trip_and_fresh_nonce():
    key = crypto.new_key()
    one, two = crypto.encrypt(key, b"geheim"), crypto.encrypt(key, b"geheim")
    assert one != two  # random nonce
    assert crypto.decrypt(key, one) == b"geheim"
    assert b"geheim" not in one


def test_secretbox_detects_tampering_and_wrong_key():
    key = crypto.new_key()
    ct = bytearray(crypto.encrypt(key, b"geheim"))
    ct[-1] ^= 1
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(key, bytes(ct))
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(crypto.new_key(), crypto.encrypt(key, b"geheim"))
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(key, b"short")


def test_json_round_trip_keeps_unicode():
    key = crypto.new_key()
    value = {"answers": [{"label": "Wat?", "value": "Één ‘quote’ en 😀"}]}
    assert crypto.decrypt_json(key, crypto.encrypt_json(key, value)) == value


def test_sealed_box_wraps_for_a_public_key_only():
    public, private = crypto.generate_keypair()
    other_public, other_private = crypto.generate_keypair()
    report_key = crypto.new_key()
    wrapped = crypto.seal(public, report_key)
    assert crypto.unseal(private, wrapped) == report_key
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(other_private, wrapped)
    tampered = bytearray(wrapped)
    tampered[40] ^= 0xFF
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(private, bytes(tampered))
    assert crypto.public_key_of(private) == public


def test_vault_opens_only_with_its_passphrase():
    vault = crypto.create_vault("een lange zin van woorden", **CHEAP)
    private = crypto.open_vault("een lange zin van woorden", vault)
    assert crypto.public_key_of(private) == vault.public_key
    assert private not in vault.encrypted_private_key
    with pytest.raises(crypto.CryptoError):
        crypto.open_vault("een andere zin van woorden", vault)


def test_vault_refuses_a_swapped_public_key():
    vault = crypto.create_vault("een lange zin van woorden", **CHEAP)
    other_public, _ = crypto.generate_keypair()
    forged = crypto.Vault(other_public, vault.encrypted_private_key, vault.salt, vault.opslimit, vault.memlimit)
    with pytest.raises(crypto.CryptoError):
        crypto.open_vault("een lange zin van woorden", forged)


def test_rekey_vault_keeps_the_key_pair():
    vault = crypto.create_vault("eerste wachtzin hier", **CHEAP)
    private = crypto.open_vault("eerste wachtzin hier", vault)
    new = crypto.rekey_vault(private, "tweede wachtzin hier", **CHEAP)
    assert new.public_key == vault.public_key
    assert crypto.open_vault("tweede wachtzin hier", new) == private


def test_split_secret_needs_both_halves():
    secret = crypto.new_key()
    wrapping_key, ciphertext = crypto.split_secret(secret)
    assert crypto.join_secret(wrapping_key, ciphertext) == secret
    assert secret not in ciphertext
    with pytest.raises(crypto.CryptoError):
        crypto.join_secret(crypto.new_key(), ciphertext)


def test_receipt_codes_are_16_random_digits():
    codes = {crypto.new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 16 and c.isdigit() for c in codes)
    assert crypto.format_receipt("1234567890123456") == "1234 5678 9012 3456"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234 5678 9012 3456", "1234567890123456"),
        (" 1234-5678-9012-3456 ", "1234567890123456"),
        ("123456789012345", None),
        ("12345678901234567", None),
        ("1234 5678 9012 345x", None),
        ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", None),  # Arabic-Indic digits are not ASCII digits
        ("", None),
        (None, None),
    ],
)
def test_normalise_receipt(text, expected):
    assert crypto.normalise_receipt(text) == expected


def test_receipt_material_is_deterministic_per_salt_and_splits_lookup_and_key():
    salt = crypto.new_salt()
    one = crypto.receipt_material("1234567890123456", salt, **CHEAP)
    again = crypto.receipt_material("1234567890123456", salt, **CHEAP)
    other_code = crypto.receipt_material("1234567890123457", salt, **CHEAP)
    other_salt = crypto.receipt_material("1234567890123456", crypto.new_salt(), **CHEAP)
    assert one == again
    assert one.lookup != other_code.lookup and one.key != other_code.key
    assert one.lookup != other_salt.lookup
    assert len(one.key) == 32 and len(bytes.fromhex(one.lookup)) == 32
    assert one.key.hex() not in one.lookup


def test_recovery_key_round_trip_and_typo_detection():
    _public, private = crypto.generate_keypair()
    text = crypto.format_recovery_key(private)
    groups = text.split(" ")
    assert len(groups) == 14 and all(len(g) == 4 for g in groups)
    assert crypto.parse_recovery_key(text) == private
    assert crypto.parse_recovery_key(text.lower().replace(" ", "-")) == private
    typo = ("B" if text[0] != "B" else "C") + text[1:]
    with pytest.raises(crypto.CryptoError):
        crypto.parse_recovery_key(typo)
    with pytest.raises(crypto.CryptoError):
        crypto.parse_recovery_key("not a key")


def test_client_tag_is_keyed_and_not_the_address():
    tag = crypto.client_tag("192.0.2.7", "receipt")
    assert tag == crypto.client_tag("192.0.2.7", "receipt")
    assert tag != crypto.client_tag("192.0.2.8", "receipt")
    assert tag != crypto.client_tag("192.0.2.7", "submit")
    assert "192.0.2.7" not in tag
    import hashlib

    assert tag != hashlib.blake2b(b"receipt\x00192.0.2.7", digest_size=20).hexdigest()  # not an unkeyed hash


def _encrypt_bytes(key, data, chunk=7000):
    return b"".join(crypto.encrypt_stream(key, (data[i : i + chunk] for i in range(0, len(data), chunk))))


@pytest.mark.parametrize(
    "size", [0, 1, crypto.CHUNK_BYTES - 1, crypto.CHUNK_BYTES, crypto.CHUNK_BYTES + 1, 3 * crypto.CHUNK_BYTES + 5]
)
def test_stream_round_trip_at_chunk_boundaries(size):
    key = crypto.new_key()
    data = bytes(i % 251 for i in range(size))
    ct = _encrypt_bytes(key, data)
    assert len(ct) == crypto.encrypted_size(size)
    assert b"".join(crypto.decrypt_stream(key, io.BytesIO(ct))) == data


@hypothesis_settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3 * crypto.CHUNK_BYTES), st.integers(min_value=1, max_value=100_000))
def test_stream_round_trip_property(data, chunk):
    key = crypto.new_key()
    ct = _encrypt_bytes(key, data, chunk)
    assert b"".join(crypto.decrypt_stream(key, io.BytesIO(ct))) == data


def test_stream_detects_tampering_truncation_reordering_and_trailing_data():
    key = crypto.new_key()
    data = b"x" * (2 * crypto.CHUNK_BYTES + 10)
    ct = _encrypt_bytes(key, data)
    block = crypto.CHUNK_BYTES + 17
    header = 24

    def fails(blob):
        with pytest.raises(crypto.CryptoError):
            b"".join(crypto.decrypt_stream(key, io.BytesIO(blob)))

    flipped = bytearray(ct)
    flipped[header + 100] ^= 1
    fails(bytes(flipped))
    fails(ct[: header + 2 * block])  # the final block is missing
    fails(ct[:10])  # no complete header
    first, second = ct[header : header + block], ct[header + block : header + 2 * block]
    fails(ct[:header] + second + first + ct[header + 2 * block :])
    fails(ct + b"extra")
    fails(_encrypt_bytes(crypto.new_key(), data))  # another key


def test_encrypt_file_reads_in_chunks_and_never_the_whole_file():
    class CountingReader(io.BytesIO):
        largest = 0

        def read(self, size=-1):
            assert size != -1 and size is not None, "the whole file was read at once"
            CountingReader.largest = max(CountingReader.largest, size)
            return super().read(size)

    key = crypto.new_key()
    data = b"y" * (5 * crypto.CHUNK_BYTES)
    ct = b"".join(crypto.encrypt_file(key, CountingReader(data)))
    assert CountingReader.largest == crypto.CHUNK_BYTES
    assert b"".join(crypto.decrypt_stream(key, io.BytesIO(ct))) == data


def test_argon2_slot_bounds_concurrency_and_reports_busy():
    started = threading.Event()
    release = threading.Event()

    def hold():
        with crypto.argon2_slot(concurrency=1, wait_seconds=1):
            started.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    assert started.wait(5)
    began = time.monotonic()
    with pytest.raises(crypto.Argon2Busy), crypto.argon2_slot(concurrency=1, wait_seconds=0.2):
        pass
    assert time.monotonic() - began < 2
    release.set()
    worker.join()
    with crypto.argon2_slot(concurrency=1, wait_seconds=0.2):
        pass


def test_derive_uses_the_slot(settings):
    settings.PLEIN = {**settings.PLEIN, "ARGON2_CONCURRENCY": 1, "ARGON2_WAIT_SECONDS": 0.1}
    release = threading.Event()
    started = threading.Event()

    def hold():
        with crypto.argon2_slot():
            started.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    assert started.wait(5)
    with pytest.raises(crypto.Argon2Busy):
        crypto.derive(b"code", crypto.new_salt(), size=32, **CHEAP)
    release.set()
    worker.join()
    assert len(crypto.derive(b"code", crypto.new_salt(), size=32, **CHEAP)) == 32


def test_fingerprint_is_short_and_stable():
    public, _ = crypto.generate_keypair()
    assert crypto.fingerprint(public) == crypto.fingerprint(public)
    assert len(crypto.fingerprint(public).replace(" ", "")) == 20
