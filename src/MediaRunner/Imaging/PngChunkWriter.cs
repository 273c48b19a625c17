using System.Buffers;
using System.Buffers.Binary;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>Writes PNG chunks (length, type, data, CRC; W3C PNG §5.3) to an <see cref="IBufferWriter{T}"/>.</summary>
internal static class PngChunkWriter
{
    public static void Write(IBufferWriter<byte> output, uint type, ReadOnlySpan<byte> data)
    {
        var span = output.GetSpan(12 + data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], type);
        data.CopyTo(span[8..]);
        uint crc = PngCrc32.Compute(span.Slice(4, 4 + data.Length));
        BinaryPrimitives.WriteUInt32BigEndian(span[(8 + data.Length)..], crc);
        output.Advance(12 + data.Length);
    }
}

/// <summary>A write-only stream that cuts what the zlib compressor produces into IDAT chunks of bounded size.</summary>
internal sealed class PngIdatStream : Stream
{
    private const uint IdatType = 0x49444154;
    private readonly IBufferWriter<byte> _output;
    private readonly byte[] _buffer;
    private int _count;

    public PngIdatStream(IBufferWriter<byte> output, int chunkSize)
    {
        _output = output;
        _buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, _buffer.Length - _count);
            data[..n].CopyTo(_buffer.AsSpan(_count));
            _count += n;
            data = data[n..];
            if (_count == _buffer.Length) EmitChunk();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Writes the last, partial IDAT chunk.</summary>
    public void Complete()
    {
        if (_count > 0) EmitChunk();
    }

    private void EmitChunk()
    {
        PngChunkWriter.Write(_output, IdatType, _buffer.AsSpan(0, _count));
        _count = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) ArrayPool<byte>.Shared.Return(_buffer);
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
