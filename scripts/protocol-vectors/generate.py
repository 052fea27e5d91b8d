#!/usr/bin/env python3
"""Generates docs/protocol-test-vectors.json: fixed inputs and the outputs protocol v1 requires.

This is an independent implementation of the protocol's request signing and PIN block, written
from docs/protocol.md with Python's standard library and the `cryptography` package. The
TypeScript tests check src/protocol against the file it writes, so the expected values never
come from the code under test.

Usage: python3 scripts/protocol-vectors/generate.py [--check] docs/protocol-test-vectors.json
With --check, compares instead of writing and exits 1 if the file differs. Needs the
`cryptography` package (Debian: python3-cryptography). `npm run vectors` and
`npm run vectors:check` run it. The output is deterministic.
"""

import base64
import hashlib
import hmac
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def seeded(label: str, length: int = 32) -> bytes:
    """Fixed 'random' bytes: SHA-256 of a label, so anyone can re-derive the inputs."""
    return hashlib.sha256(label.encode("utf-8")).digest()[:length]


# ---------------------------------------------------------------------------- request signing


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join([method, path, timestamp, nonce, hashlib.sha256(body).hexdigest()])


def signing_case(name, key, method, path, timestamp, nonce, body_text):
    body = body_text.encode("utf-8")
    text = canonical(method, path, timestamp, nonce, body)
    signature = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
    return {
        "name": name,
        "terminalId": "T0000001",
        "terminalKey": b64url(key),
        "terminalKeyHex": key.hex(),
        "method": method,
        "pathWithQuery": path,
        "timestamp": timestamp,
        "nonce": nonce,
        "body": body_text,
        "bodySha256": hashlib.sha256(body).hexdigest(),
        "canonical": text,
        "signature": b64url(signature),
    }


def signing_cases():
    key = seeded("combopay test vector terminal key T0000001")
    payment_body = json.dumps(
        {
            "type": "sale",
            "batch": "000001",
            "trace": "000123",
            "card": {"uid": "04A1B2C3D4E5F6", "token": "tok_demo_0001"},
            "amount": {"value": 1250, "currency": "CNY"},
            "pinBlock": {"keyId": "pk-1", "epk": "AA", "iv": "AA", "ct": "AA", "tag": "AA"},
        },
        separators=(",", ":"),
    )
    return [
        signing_case("sign-in, empty object body", key, "POST", "/v1/terminals/sign-in",
                     "1795420800", "00112233445566778899aabbccddeeff", "{}"),
        signing_case("payment request body", key, "POST", "/v1/payments", "1795420815",
                     "0123456789abcdef0123456789abcdef", payment_body),
        signing_case("status inquiry: GET with query, empty body", key, "GET",
                     "/v1/payments?batch=000001&trace=000123", "1795420830",
                     "fedcba9876543210fedcba9876543210", ""),
        signing_case("body bytes are UTF-8 (merchant name in Chinese)", key, "POST",
                     "/v1/payments/pay_01/reverse", "1795420845",
                     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", '{"reason":"cancelled","note":"收银台"}'),
    ]


# ---------------------------------------------------------------------------- PIN block


def raw_public(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def binding_string(fields: dict) -> str:
    amount = fields.get("amount")
    value = str(amount["value"]) if amount else ""
    currency = amount["currency"] if amount else ""
    return "|".join([fields["terminalId"], fields["batch"], fields["trace"], fields["type"],
                     value, currency, fields["cardUid"]])


def derive_key(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"pos-pin-v1").derive(shared)


def seal(host_public: bytes, ephemeral_seed: bytes, iv: bytes, plaintext: bytes, binding: str):
    ephemeral = X25519PrivateKey.from_private_bytes(ephemeral_seed)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(host_public))
    key = derive_key(shared)
    sealed = AESGCM(key).encrypt(iv, plaintext, binding.encode("utf-8"))
    return ephemeral, shared, key, sealed[:-16], sealed[-16:]


HOST_SEED = seeded("combopay test vector host PIN key pk-2026-01")
HOST = X25519PrivateKey.from_private_bytes(HOST_SEED)
HOST_PUBLIC = raw_public(HOST)
KEY_ID = "pk-2026-01"


def pin_case(name, pin, fields, label):
    ephemeral_seed = seeded(f"combopay test vector ephemeral {label}")
    iv = seeded(f"combopay test vector iv {label}", 12)
    binding = binding_string(fields)
    ephemeral, shared, key, ct, tag = seal(HOST_PUBLIC, ephemeral_seed, iv, pin.encode("ascii"), binding)
    return {
        "name": name,
        "hostPrivateKey": b64url(HOST_SEED),
        "hostPublicKey": b64url(HOST_PUBLIC),
        "keyId": KEY_ID,
        "ephemeralPrivateKey": b64url(ephemeral_seed),
        "ephemeralPublicKey": b64url(raw_public(ephemeral)),
        "iv": b64url(iv),
        "pin": pin,
        "binding": fields,
        "bindingString": binding,
        "sharedSecretHex": shared.hex(),
        "derivedKeyHex": key.hex(),
        "pinBlock": {"keyId": KEY_ID, "epk": b64url(raw_public(ephemeral)), "iv": b64url(iv),
                     "ct": b64url(ct), "tag": b64url(tag)},
    }


SALE = {"terminalId": "T0000001", "batch": "000001", "trace": "000123", "type": "sale",
        "amount": {"value": 1250, "currency": "CNY"}, "cardUid": "04A1B2C3D4E5F6"}
BALANCE = {"terminalId": "T0000001", "batch": "000001", "trace": "000124", "type": "balance",
           "cardUid": "04A1B2C3D4E5F6"}


def pin_cases():
    return [
        pin_case("sale of CNY 12.50", "482915", SALE, "sale-1"),
        pin_case("balance inquiry: amount and currency empty in the binding", "482915", BALANCE,
                 "balance-1"),
        pin_case("PIN with leading zeros", "000731", dict(SALE, trace="000125"), "sale-2"),
    ]


def with_block(case, **changes):
    block = dict(case["pinBlock"])
    block.update(changes)
    return block


def flip_last_byte(text: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    raw[-1] ^= 0x01
    return b64url(bytes(raw))


def negative_pin_cases(good):
    sale = good[0]
    high_bit = bytearray(base64.urlsafe_b64decode(sale["pinBlock"]["epk"] + "="))
    high_bit[31] |= 0x80
    # Plain X25519 ignores the top bit of a public key, so this block still decrypts with a
    # textbook implementation; the protocol requires rejecting such non-canonical keys.
    still_opens = HOST.exchange(X25519PublicKey.from_public_bytes(bytes(high_bit)))
    assert still_opens.hex() == sale["sharedSecretHex"]

    def bad_plaintext(name, plaintext, label):
        eph, _shared, _key, ct, tag = seal(HOST_PUBLIC, seeded(label), seeded(label, 12),
                                           plaintext, binding_string(SALE))
        return {"name": name, "binding": SALE, "bindingString": binding_string(SALE),
                "pinBlock": {"keyId": KEY_ID, "epk": b64url(raw_public(eph)),
                             "iv": b64url(seeded(label, 12)), "ct": b64url(ct), "tag": b64url(tag)}}

    other_trace = dict(SALE, trace="000999")
    other_amount = dict(SALE, amount={"value": 1251, "currency": "CNY"})
    other_card = dict(SALE, cardUid="04A1B2C3D4E5F7")
    cases = [
        {"name": "bound to another trace", "binding": other_trace,
         "bindingString": binding_string(other_trace), "pinBlock": sale["pinBlock"]},
        {"name": "bound to another amount", "binding": other_amount,
         "bindingString": binding_string(other_amount), "pinBlock": sale["pinBlock"]},
        {"name": "bound to another card", "binding": other_card,
         "bindingString": binding_string(other_card), "pinBlock": sale["pinBlock"]},
        {"name": "sale block presented as a balance inquiry", "binding": BALANCE,
         "bindingString": binding_string(BALANCE), "pinBlock": sale["pinBlock"]},
        {"name": "tag altered", "binding": SALE, "bindingString": binding_string(SALE),
         "pinBlock": with_block(sale, tag=flip_last_byte(sale["pinBlock"]["tag"]))},
        {"name": "ciphertext altered", "binding": SALE, "bindingString": binding_string(SALE),
         "pinBlock": with_block(sale, ct=flip_last_byte(sale["pinBlock"]["ct"]))},
        {"name": "iv altered", "binding": SALE, "bindingString": binding_string(SALE),
         "pinBlock": with_block(sale, iv=flip_last_byte(sale["pinBlock"]["iv"]))},
        {"name": "unknown key id", "binding": SALE, "bindingString": binding_string(SALE),
         "pinBlock": with_block(sale, keyId="pk-2025-12")},
        {"name": "ephemeral key with the top bit set (non-canonical; plain X25519 would open it)",
         "binding": SALE, "bindingString": binding_string(SALE),
         "pinBlock": with_block(sale, epk=b64url(bytes(high_bit)))},
        {"name": "ephemeral key of low order (all zero)", "binding": SALE,
         "bindingString": binding_string(SALE), "pinBlock": with_block(sale, epk=b64url(bytes(32)))},
        bad_plaintext("decrypts, but holds 5 digits", b"48291", "bad-plaintext-5"),
        bad_plaintext("decrypts, but holds a letter", b"48291a", "bad-plaintext-letter"),
    ]
    for case in cases:
        case.update({"hostPrivateKey": b64url(HOST_SEED), "keyId": KEY_ID,
                     "expect": "PIN_BLOCK_INVALID"})
    return cases


def main() -> None:
    args = sys.argv[1:]
    check = args[:1] == ["--check"]
    if check:
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: generate.py [--check] VECTORS.json")
    good = pin_cases()
    vectors = {
        "description": "ComboPay protocol v1 test vectors: request signing and the PIN block. "
                       "Generated by scripts/protocol-vectors/generate.py, an implementation "
                       "independent of src/protocol. Keys and byte strings are base64url without "
                       "padding unless the field name ends in Hex.",
        "protocolVersion": 1,
        "signing": signing_cases(),
        "pinBlock": good,
        "pinBlockInvalid": negative_pin_cases(good),
    }
    text = json.dumps(vectors, ensure_ascii=False, indent=2) + "\n"
    if check:
        with open(args[0], encoding="utf-8") as current:
            if current.read() != text:
                sys.exit(f"{args[0]} differs from what the generator produces: run npm run vectors")
        print(f"{args[0]} matches the generator")
        return
    with open(args[0], "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
