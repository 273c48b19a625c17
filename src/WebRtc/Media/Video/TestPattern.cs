namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Synthetic moving content for tests, benchmarks and "no camera" sources: a diagonal gradient that scrolls, a
/// moving fine texture (hash-like detail the encoder must spend bits on), and slowly drifting chroma.
/// Deterministic for a given frame index.
/// </summary>
public static class TestPattern
{
    /// <summary>Renders frame number <paramref name="index"/> into <paramref name="frame"/>'s planes.</summary>
    public static void Render(VideoFrame frame, int index)
    {
        int w = frame.Width, h = frame.Height;
        var y = frame.Y;
        int dx = index * 3, dy = index * 2;
        for (int row = 0; row < h; row++)
        {
            var line = y.Slice(row * w, w);
            int v = row + dy;
            for (int col = 0; col < w; col++)
            {
                int u = col + dx;
                int gradient = ((col + row + index * 4) & 0x1FF) >> 1;            // 0..255, scrolls
                int detail = ((u * 7) ^ (v * 13) ^ ((u >> 3) * (v >> 3))) & 0x3F; // 0..63, moves with (dx, dy)
                line[col] = (byte)(gradient * 3 / 4 + detail);
            }
        }
        int cw = frame.ChromaWidth, ch = frame.ChromaHeight;
        var cu = frame.U;
        var cv = frame.V;
        for (int row = 0; row < ch; row++)
        {
            for (int col = 0; col < cw; col++)
            {
                cu[row * cw + col] = (byte)(96 + ((col + index) & 0x3F));
                cv[row * cw + col] = (byte)(96 + ((row + index / 2) & 0x3F));
            }
        }
    }
}
