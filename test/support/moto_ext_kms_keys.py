"""KMS CreateKey without an RSA key pair for symmetric keys: moto 5.2 generates a 2048-bit RSA private
key for every key, whatever its KeySpec (moto/kms/models.py Key.__init__), which costs 25-40 ms of CPU
per CreateKey on this machine while holding the interpreter lock, so every concurrent request waits too
(it distorted the apply benchmark's first run: three CreateKey at once stalled the server ~100 ms).

Only asymmetric keys use that pair (Sign, Verify, GetPublicKey). Here it is made when first used: a
symmetric key never makes one, an asymmetric key makes the one its KeySpec asks for, as moto would.
"""
from moto.kms import models


class _OnFirstUse:
    """Stands for moto's private key object, made with moto's own generate_private_key when first used."""

    def __init__(self, make, key_spec):
        self._make = make
        self._key_spec = key_spec
        self._key = None

    def __getattr__(self, name):
        if self._key is None:
            self._key = self._make(self._key_spec)
        return getattr(self._key, name)


_generate = models.generate_private_key
models.generate_private_key = lambda key_spec: _OnFirstUse(_generate, key_spec)
