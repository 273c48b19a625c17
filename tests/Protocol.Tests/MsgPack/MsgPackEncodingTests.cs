using System.Buffers;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Tests.MsgPack;

/// <summary>Exact bytes at every format boundary of the spec, and that the reader reads them back.</summary>
public sealed class MsgPackEncodingTests
{
    private static string Hex(Action<MsgPackWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new MsgPackWriter(buffer));
        return Convert.ToHexString(buffer.WrittenSpan).ToLowerInvariant();
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")]
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")]
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(-2147483648L, "d280000000")]
    [InlineData(-2147483649L, "d3ffffffff7fffffff")]
    [InlineData(long.MinValue, "d38000000000000000")]
    public void Integers_use_the_smallest_form(long value, string hex)
    {
        Assert.Equal(hex, Hex(w => w.WriteInt64(value)));
        var reader = new MsgPackReader(Convert.FromHexString(hex));
        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
        Assert.Equal(MsgValue.FromInt64(value), MsgPackSerializer.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void UInt64_max_round_trips_as_uint()
    {
        Assert.Equal("cfffffffffffffffff", Hex(w => w.WriteUInt64(ulong.MaxValue)));
        var v = MsgPackSerializer.Decode(Convert.FromHexString("cfffffffffffffffff"));
        Assert.Equal(MsgValueKind.UInt, v.Kind);
        Assert.Equal(ulong.MaxValue, v.AsUInt64());
        Assert.Throws<MsgPackException>(() => new MsgPackReader(Convert.FromHexString("cfffffffffffffffff")).ReadInt64());
    }

    [Fact]
    public void Nil_bools_and_floats()
    {
        Assert.Equal("c0", Hex(w => w.WriteNil()));
        Assert.Equal("c2", Hex(w => w.WriteBool(false)));
        Assert.Equal("c3", Hex(w => w.WriteBool(true)));
        Assert.Equal("cb3ff8000000000000", Hex(w => w.WriteDouble(1.5)));
        Assert.Equal("ca3fc00000", Hex(w => w.WriteSingle(1.5f)));
        var single = MsgPackSerializer.Decode(Convert.FromHexString("ca3fc00000"));
        Assert.True(single.IsSingle);
        Assert.Equal(1.5, single.AsDouble());
        Assert.Equal("ca3fc00000", Convert.ToHexString(MsgPackSerializer.EncodeToArray(single)).ToLowerInvariant());
    }

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    public void String_headers_at_their_edges(int length, string header)
    {
        var text = new string('x', length);
        var hex = Hex(w => w.WriteString(text));
        Assert.StartsWith(header, hex);
        Assert.Equal(header.Length / 2 + length, hex.Length / 2);
        Assert.Equal(text, MsgPackSerializer.Decode(Convert.FromHexString(hex)).AsString());
    }

    [Fact]
    public void Strings_are_utf8()
    {
        Assert.Equal("a161", Hex(w => w.WriteString("a")));
        Assert.Equal("a3e282ac", Hex(w => w.WriteString("€")));
    }

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")]
    public void Binary_headers_at_their_edges(int length, string header)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var hex = Hex(w => w.WriteBinary(data));
        Assert.StartsWith(header, hex);
        Assert.Equal(data, MsgPackSerializer.Decode(Convert.FromHexString(hex)).AsBinary().ToArray());
    }

    [Theory]
    [InlineData(15, "9f")]
    [InlineData(16, "dc0010")]
    [InlineData(65535, "dcffff")]
    [InlineData(65536, "dd00010000")]
    public void Array_headers_at_their_edges(int count, string header)
    {
        var value = MsgValue.FromArray(Enumerable.Repeat(MsgValue.Nil, count).ToArray());
        var bytes = MsgPackSerializer.EncodeToArray(value);
        Assert.StartsWith(header, Convert.ToHexString(bytes).ToLowerInvariant());
        Assert.Equal(count, MsgPackSerializer.Decode(bytes).Count);
    }

    [Theory]
    [InlineData(15, "8f")]
    [InlineData(16, "de0010")]
    [InlineData(65536, "df00010000")]
    public void Map_headers_at_their_edges(int count, string header)
    {
        var value = MsgValue.FromMap(Enumerable.Range(0, count).Select(i => new KeyValuePair<string, MsgValue>("k" + i, i)));
        var bytes = MsgPackSerializer.EncodeToArray(value);
        Assert.StartsWith(header, Convert.ToHexString(bytes).ToLowerInvariant());
        var back = MsgPackSerializer.Decode(bytes);
        Assert.Equal(count, back.Count);
        Assert.Equal(count - 1, back["k" + (count - 1)].AsInt64());
    }

    [Theory]
    [InlineData(1, "d405")]
    [InlineData(2, "d505")]
    [InlineData(4, "d605")]
    [InlineData(8, "d705")]
    [InlineData(16, "d805")]
    [InlineData(3, "c70305")]
    [InlineData(256, "c8010005")]
    [InlineData(65536, "c90001000005")]
    public void Ext_forms(int length, string header)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var hex = Hex(w => w.WriteExt(5, data));
        Assert.StartsWith(header, hex);
        var v = MsgPackSerializer.Decode(Convert.FromHexString(hex));
        Assert.Equal(MsgValueKind.Ext, v.Kind);
        Assert.Equal(5, v.ExtType);
        Assert.Equal(data, v.AsBinary().ToArray());
    }

    [Theory]
    [InlineData("1970-01-01T00:00:01Z", "d6ff00000001")]          // timestamp 32
    [InlineData("2106-02-07T06:28:15Z", "d6ffffffffff")]          // largest 32-bit form
    [InlineData("1970-01-01T00:00:00.5Z", "d7ff7735940000000000")] // timestamp 64 (nanos 500000000)
    [InlineData("1969-12-31T23:59:59Z", "c70cff00000000ffffffffffffffff")] // timestamp 96 (negative seconds)
    public void Timestamps_in_all_three_forms(string iso, string hex)
    {
        var time = DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(hex, Hex(w => w.WriteTimestamp(time)));
        var reader = new MsgPackReader(Convert.FromHexString(hex));
        Assert.Equal(time, reader.ReadTimestamp());
        Assert.Equal(time, MsgPackSerializer.Decode(Convert.FromHexString(hex)).AsTimestamp());
    }

    [Fact]
    public void Skip_passes_over_nested_values()
    {
        var bytes = MsgPackSerializer.EncodeToArray(MsgValue.Map(("a", MsgValue.Array(1, "x", new byte[] { 1 }, MsgValue.Map(("b", 2.5)))), ("c", null)));
        var reader = new MsgPackReader(bytes);
        reader.Skip();
        Assert.True(reader.End);
    }

    [Fact]
    public void Sequences_with_several_segments_decode_like_arrays()
    {
        var bytes = MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", new byte[300]), ("n", 7)));
        var first = new Segment(bytes.AsMemory(0, 10));
        var last = first.Append(bytes.AsMemory(10));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.False(sequence.IsSingleSegment);
        Assert.Equal(MsgPackSerializer.Decode(bytes), MsgPackSerializer.Decode(sequence));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
