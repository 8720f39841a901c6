/**
 * The emulator's KMS keys (moto_ext_kms_keys.py): a symmetric key is made without moto's RSA key pair,
 * and an asymmetric one still signs and gives its public key.
 */
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, inject, it } from 'vitest';

const moto = inject('motoUrl');
const kms = new KMSClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
afterAll(() => kms.destroy());

describe('KMS keys in the emulator', () => {
  it('an RSA signing key signs, verifies and gives its public key', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
    const KeyId = KeyMetadata!.KeyId!;
    const Message = new TextEncoder().encode('mtpipe');
    const { Signature } = await kms.send(new SignCommand({ KeyId, Message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    const { SignatureValid } = await kms.send(new VerifyCommand({ KeyId, Message, Signature, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
    expect(SignatureValid).toBe(true);
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId }));
    // a DER SubjectPublicKeyInfo of a 2048-bit RSA key is 294 bytes
    expect(PublicKey!.byteLength).toBe(294);
  });

  it('a symmetric key is created and described as before (moto leaves KeyUsage out when it is not given)', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'symmetric' }));
    expect(KeyMetadata).toMatchObject({ KeySpec: 'SYMMETRIC_DEFAULT', Enabled: true });
  });
});
