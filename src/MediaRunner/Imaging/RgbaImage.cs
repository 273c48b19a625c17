using System.Buffers;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>
/// An 8-bit RGBA image (4 bytes per pixel in the order R, G, B, A; straight, not premultiplied alpha) whose pixel
/// buffer is rented from <see cref="ArrayPool{T}.Shared"/>. Rows are <see cref="Stride"/> bytes apart.
/// <see cref="Dispose"/> returns the buffer; the image must not be used afterwards.
/// </summary>
public sealed class RgbaImage : IDisposable
{
    /// <summary>Bytes per pixel.</summary>
    public const int BytesPerPixel = 4;

    private byte[]? _buffer;

    private RgbaImage(int width, int height, int stride, byte[] buffer)
    {
        Width = width;
        Height = height;
        Stride = stride;
        _buffer = buffer;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Distance between the starts of two rows, in bytes (at least Width * 4).</summary>
    public int Stride { get; }

    /// <summary>Size of the pixel data in bytes: Stride * Height.</summary>
    public int ByteLength => Stride * Height;

    /// <summary>All pixel rows (Stride * Height bytes).</summary>
    public Span<byte> Pixels => Buffer.AsSpan(0, ByteLength);

    /// <summary>Row <paramref name="y"/>, exactly Width * 4 bytes.</summary>
    public Span<byte> Row(int y)
    {
        if ((uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(y));
        return Buffer.AsSpan(y * Stride, Width * BytesPerPixel);
    }

    /// <summary>The underlying pooled array (may be longer than <see cref="ByteLength"/>).</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RgbaImage));

    /// <summary>Rents an image whose pixels are all zero (transparent black).</summary>
    public static RgbaImage Create(int width, int height, int stride = 0)
    {
        var image = Rent(width, height, stride);
        image.Pixels.Clear();
        return image;
    }

    /// <summary>Rents an image without clearing it: the pixel content is undefined until written.</summary>
    public static RgbaImage Rent(int width, int height, int stride = 0)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "size must be positive");
        if (stride == 0) stride = checked(width * BytesPerPixel);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width * BytesPerPixel);
        int length = checked(stride * height);
        return new RgbaImage(width, height, stride, ArrayPool<byte>.Shared.Rent(length));
    }

    /// <summary>Gets pixel (x, y) as R, G, B, A (for tests and tools, not hot loops).</summary>
    public (byte R, byte G, byte B, byte A) GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width) throw new ArgumentOutOfRangeException(nameof(x));
        var p = Row(y).Slice(x * BytesPerPixel, BytesPerPixel);
        return (p[0], p[1], p[2], p[3]);
    }

    /// <summary>Sets pixel (x, y).</summary>
    public void SetPixel(int x, int y, byte r, byte g, byte b, byte a)
    {
        if ((uint)x >= (uint)Width) throw new ArgumentOutOfRangeException(nameof(x));
        var p = Row(y).Slice(x * BytesPerPixel, BytesPerPixel);
        p[0] = r; p[1] = g; p[2] = b; p[3] = a;
    }

    /// <summary>Returns the pixel buffer to the pool. Safe to call twice.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
