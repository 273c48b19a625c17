using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1): keystream block i = AES_k(IV + i), XORed onto the data.
/// Keeps one ECB transform and two scratch buffers, so transforming a packet does not allocate. Not thread-safe.
/// </summary>
internal sealed class AesCounterModeCipher : IDisposable
{
    private const int ChunkBlocks = 96; // 1536 bytes: one ECB call covers an MTU-sized payload
    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[ChunkBlocks * 16];
    private readonly byte[] _keystream = new byte[ChunkBlocks * 16];

    public AesCounterModeCipher(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _aes.Key = key.ToArray();
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs the keystream that starts at counter block <paramref name="firstBlock"/> of <paramref name="iv"/> (16 bytes) onto <paramref name="data"/>.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data, uint firstBlock = 0)
    {
        uint low = BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(12, 4));
        uint block = firstBlock;
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, ChunkBlocks * 16);
            int blocks = (n + 15) >> 4;
            for (int b = 0; b < blocks; b++)
            {
                Span<byte> c = _counters.AsSpan(b * 16, 16);
                iv.Slice(0, 12).CopyTo(c);
                // The SRTP IVs have their low 16 bits zero, so the 128-bit addition never carries past 32 bits.
                BinaryPrimitives.WriteUInt32BigEndian(c.Slice(12), low + block++);
            }
            _ecb.TransformBlock(_counters, 0, blocks * 16, _keystream, 0);
            Xor(data.Slice(0, n), _keystream);
            data = data.Slice(n);
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= data.Length; i += 16)
            {
                (Vector128.Create((ReadOnlySpan<byte>)data.Slice(i, 16)) ^ Vector128.Create(keystream.Slice(i, 16))).CopyTo(data.Slice(i));
            }
        }
        for (; i < data.Length; i++) data[i] ^= keystream[i];
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
