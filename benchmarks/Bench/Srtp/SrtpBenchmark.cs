using System.Buffers.Binary;
using System.Diagnostics;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.Bench.Srtp;

/// <summary>SRTP protect + unprotect of a 1200-byte RTP packet, both profiles: median ns per packet over batches.</summary>
public sealed class SrtpBenchmark : IBenchmark
{
    public string Name => "srtp";
    public string Description => "SRTP protect+unprotect ns per 1200-byte packet (AES-CM-80, GCM), median of batches";

    public Task RunAsync(string[] args, TextWriter output)
    {
        int batches = args.Length > 0 && int.TryParse(args[0], out int b) ? b : 41;
        const int PerBatch = 2000;
        foreach (var profile in new[] { SrtpProtectionProfile.AesCm128HmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm })
        {
            var info = SrtpProfileInfo.For(profile);
            var key = new byte[info.KeyLength]; var salt = new byte[info.SaltLength];
            new Random(1).NextBytes(key); new Random(2).NextBytes(salt);
            using var tx = new SrtpContext(profile, key, salt);
            using var rx = new SrtpContext(profile, key, salt);
            var buf = new byte[1200 + 16];
            new Random(3).NextBytes(buf);
            ushort seq = 0;
            long failures = 0;
            double[] protectNs = new double[batches], roundNs = new double[batches];
            for (int w = -3; w < batches; w++) // 3 warm-up batches
            {
                long tProtect = 0;
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < PerBatch; i++)
                {
                    buf[0] = 0x80; buf[1] = 96;
                    BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(2), seq++);
                    BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(8), 0x01020304);
                    long t0 = Stopwatch.GetTimestamp();
                    tx.TryProtectRtp(buf, 1200, out int n);
                    tProtect += Stopwatch.GetTimestamp() - t0;
                    if (!rx.TryUnprotectRtp(buf.AsSpan(0, n), out _)) failures++;
                }
                long total = Stopwatch.GetTimestamp() - start;
                if (w < 0) continue;
                protectNs[w] = tProtect * 1e9 / Stopwatch.Frequency / PerBatch;
                roundNs[w] = total * 1e9 / Stopwatch.Frequency / PerBatch;
            }
            Array.Sort(protectNs); Array.Sort(roundNs);
            double pr = protectNs[batches / 2], rt = roundNs[batches / 2];
            output.WriteLine($"{profile,-22} protect {pr,8:F0} ns  protect+unprotect {rt,8:F0} ns  failures {failures}");
        }
        return Task.CompletedTask;
    }
}
