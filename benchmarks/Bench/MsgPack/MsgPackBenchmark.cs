using System.Buffers;
using System.Diagnostics;
using MessagePack;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Bench.MsgPack;

/// <summary>
/// Our msgpack codec against MessagePack-CSharp 3.1.12 in one run: decode and encode of a 1 KiB map, a 100 KiB bin,
/// 10k small elements, and issue 9's hostile 16 MB input; median time and bytes allocated per operation. Three
/// codecs: ours (the realtime path: binaries copied out, element and allocation budgets), the library's low-level
/// reader/writer building our tree with the same rules, and the library's own typeless path
/// (<c>Deserialize&lt;object&gt;</c> with <see cref="MessagePackSecurity.UntrustedData"/>).
/// </summary>
public sealed class MsgPackBenchmark : IBenchmark
{
    public string Name => "msgpack";
    public string Description => "our msgpack codec vs MessagePack-CSharp: decode/encode time and allocation (--ms PER_CASE)";

    private static readonly MsgPackLimits Limits = MsgPackLimits.Default;
    private static readonly MessagePackSerializerOptions Untrusted =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public Task RunAsync(string[] args, TextWriter output)
    {
        var perCase = TimeSpan.FromMilliseconds(BenchArgs.Int(args, "--ms", 3000));
        var inputs = new (string Name, byte[] Wire)[]
        {
            ("1 KiB map", MsgPackInputs.Map1KiB()),
            ("100 KiB bin", MsgPackInputs.Bin100KiB()),
            ("10k small elements", MsgPackInputs.SmallElements10k()),
            ("hostile: 16M empty strings", MsgPackInputs.SixteenMillionEmptyStrings()),
        };
        output.WriteLine($"msgpack codecs, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {perCase.TotalMilliseconds} ms per input");
        output.WriteLine();
        output.WriteLine("| input | wire | codec | decode median | decode alloc/op | encode median | encode alloc/op |");
        output.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var (name, wire) in inputs)
        {
            var memory = (ReadOnlyMemory<byte>)wire;
            var hostile = name.StartsWith("hostile", StringComparison.Ordinal);
            var ours = TryDecode(() => MsgPackSerializer.Decode(memory, Limits, copyBinaries: true, out _));
            var viaLibrary = TryDecode(() => LibraryTreeCodec.Decode(memory, Limits.MaxElements, Limits.MaxDepth));
            if (viaLibrary is not null && ours is not null && !viaLibrary.Equals(ours))
                throw new InvalidOperationException($"{name}: the library reader built a different tree");
            object? typeless = null;
            string? typelessNote = null;
            try { typeless = MessagePackSerializer.Deserialize<object>(memory, Untrusted); }
            catch (MessagePackSerializationException e) { typelessNote = "refused: " + e.Message; }

            var codecs = new List<Codec>
            {
                new("ours", ours is null ? "refused: element budget" : null,
                    () => { try { MsgPackSerializer.Decode(memory, Limits, copyBinaries: true, out _); } catch (MsgPackException) { } },
                    ours is null ? null : b => MsgPackSerializer.Encode(ours, b)),
                new("library reader → our tree", viaLibrary is null ? "refused: element budget" : null,
                    () => { try { LibraryTreeCodec.Decode(memory, Limits.MaxElements, Limits.MaxDepth); } catch (MessagePackSerializationException) { } },
                    viaLibrary is null ? null : b => LibraryTreeCodec.Encode(viaLibrary, b)),
                new("library typeless (UntrustedData)", typelessNote ?? (hostile ? "accepted: object[16,000,000]" : null),
                    () => { try { MessagePackSerializer.Deserialize<object>(memory, Untrusted); } catch (MessagePackSerializationException) { } },
                    typeless is null ? null : b => MessagePackSerializer.Serialize(b, typeless, Untrusted)),
            };
            var results = MeasureInterleaved(codecs, hostile ? TimeSpan.FromSeconds(1) : perCase / 4, hostile ? TimeSpan.FromSeconds(6) : perCase);
            for (var i = 0; i < codecs.Count; i++)
                Row(output, name, wire.Length, codecs[i].Name + (codecs[i].Note is null ? "" : $" ({codecs[i].Note})"), results[i].Decode, results[i].Encode);
            typeless = null;
            GC.Collect();
        }
        return Task.CompletedTask;
    }

    private sealed record Codec(string Name, string? Note, Action Decode, Action<IBufferWriter<byte>>? Encode);

    private static MsgValue? TryDecode(Func<MsgValue> decode)
    {
        try { return decode(); }
        catch (Exception e) when (e is MsgPackException or MessagePackSerializationException) { return null; }
    }

    /// <summary>
    /// Every codec's decode and encode, warmed up until their code is fully compiled, then measured in rounds that run
    /// one batch of each in turn (so the machine's noise falls on all alike): median time per call (µs) and mean bytes
    /// allocated per call.
    /// </summary>
    private static ((double, double) Decode, (double, double)? Encode)[] MeasureInterleaved(List<Codec> codecs, TimeSpan warmup, TimeSpan budget)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var ops = new List<Action>();
        foreach (var c in codecs)
        {
            ops.Add(c.Decode);
            if (c.Encode is { } encode) ops.Add(() => { buffer.ResetWrittenCount(); encode(buffer); });
        }
        var perBatch = new int[ops.Count];
        for (var i = 0; i < ops.Count; i++)
        {
            var w = Stopwatch.StartNew();
            var n = 0;
            do { ops[i](); n++; } while (w.Elapsed < warmup / ops.Count || n < 2);
            perBatch[i] = Math.Max(1, (int)(0.005 * n / w.Elapsed.TotalSeconds)); // batches of about 5 ms
        }
        var samples = ops.Select(_ => new Samples()).ToArray();
        var allocated = new long[ops.Count];
        var calls = new long[ops.Count];
        var total = Stopwatch.StartNew();
        while (total.Elapsed < budget || samples[0].Count < 5)
        {
            for (var i = 0; i < ops.Count; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var t = Stopwatch.GetTimestamp();
                for (var k = 0; k < perBatch[i]; k++) ops[i]();
                samples[i].Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds / perBatch[i]);
                allocated[i] += GC.GetAllocatedBytesForCurrentThread() - before;
                calls[i] += perBatch[i];
            }
        }
        var results = new List<((double, double), (double, double)?)>();
        var o = 0;
        foreach (var c in codecs)
        {
            var decode = (samples[o].Percentile(50), (double)allocated[o] / calls[o]);
            o++;
            (double, double)? encode = null;
            if (c.Encode is not null)
            {
                encode = (samples[o].Percentile(50), (double)allocated[o] / calls[o]);
                o++;
            }
            results.Add((decode, encode));
        }
        return results.ToArray();
    }

    private static void Row(TextWriter output, string input, int wire, string codec, (double Median, double Alloc) decode,
        (double Median, double Alloc)? encode)
    {
        var enc = encode is { } e ? $"{Time(e.Median)} | {Bytes(e.Alloc)}" : "– | –";
        output.WriteLine($"| {input} | {Bytes(wire)} | {codec} | {Time(decode.Median)} | {Bytes(decode.Alloc)} | {enc} |");
    }

    private static string Time(double us) => us >= 1000 ? $"{us / 1000:F1} ms" : $"{us:F1} µs";

    private static string Bytes(double b) => b switch
    {
        >= 1 << 20 => $"{b / (1 << 20):F1} MiB",
        >= 1 << 10 => $"{b / 1024:F1} KiB",
        _ => $"{b:F0} B",
    };
}
