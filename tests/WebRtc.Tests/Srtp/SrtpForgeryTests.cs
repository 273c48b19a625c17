using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Srtp;

/// <summary>
/// A forged SRTP/SRTCP packet costs one failed tag check: no exception is thrown (not even one caught inside the
/// library, which the first-chance notification would show), it is counted, and genuine packets keep working.
/// </summary>
public class SrtpForgeryTests
{
    [ThreadStatic] private static int t_firstChance;

    private static void CountFirstChance(object? sender, FirstChanceExceptionEventArgs e) => t_firstChance++;

    public static TheoryData<SrtpProtectionProfile> Profiles => new()
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80,
        SrtpProtectionProfile.AeadAes128Gcm,
    };

    private static (SrtpContext Tx, SrtpContext Rx) Pair(SrtpProtectionProfile profile)
    {
        var info = SrtpProfileInfo.For(profile);
        var key = new byte[info.KeyLength];
        var salt = new byte[info.SaltLength];
        new Random(11).NextBytes(key);
        new Random(12).NextBytes(salt);
        return (new SrtpContext(profile, key, salt), new SrtpContext(profile, key, salt));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void ForgedPackets_ReturnFalse_WithoutAnyException_AndAreCounted(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var rtp = new byte[12 + 200 + 32];
        rtp[0] = 0x80; rtp[1] = 96;
        BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(8), 0xABCDEF01);
        var rtcp = new byte[8 + 20 + 32];
        rtcp[0] = 0x80; rtcp[1] = 201; rtcp[3] = 6; // RR, length 6 words
        BinaryPrimitives.WriteUInt32BigEndian(rtcp.AsSpan(4), 0xABCDEF01);
        var forged = new byte[rtp.Length];
        const int Forgeries = 500;

        AppDomain.CurrentDomain.FirstChanceException += CountFirstChance;
        try
        {
            t_firstChance = 0;
            for (int i = 0; i < Forgeries; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(rtp.AsSpan(2), (ushort)(i + 1));
                Assert.True(tx.TryProtectRtp(rtp, 212, out int n));
                rtp.AsSpan(0, n).CopyTo(forged);
                forged[20 + i % 150] ^= 0x01; // one flipped payload bit: the tag no longer verifies
                Assert.False(rx.TryUnprotectRtp(forged.AsSpan(0, n), out _));
                Assert.True(rx.TryUnprotectRtp(rtp.AsSpan(0, n), out int m)); // the genuine one still passes
                Assert.Equal(212, m);

                Assert.True(tx.TryProtectRtcp(rtcp, 28, out int r));
                rtcp.AsSpan(0, r).CopyTo(forged);
                forged[12] ^= 0x80;
                Assert.False(rx.TryUnprotectRtcp(forged.AsSpan(0, r), out _));
            }
            Assert.Equal(0, t_firstChance);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= CountFirstChance;
        }
        Assert.Equal(2 * Forgeries, rx.AuthFailures);
    }
}
