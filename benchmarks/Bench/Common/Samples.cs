namespace WebRtcBridge.Bench.Common;

/// <summary>A list of measurements (milliseconds or any unit) with nearest-rank percentiles.</summary>
public sealed class Samples
{
    private readonly List<double> _values;
    private bool _sorted;

    public Samples(int capacity = 256) => _values = new List<double>(capacity);

    public Samples(IEnumerable<double> values) => _values = values.ToList();

    public int Count => _values.Count;

    public void Add(double value)
    {
        _values.Add(value);
        _sorted = false;
    }

    /// <summary>Nearest-rank percentile (p in 0..100); NaN when empty.</summary>
    public double Percentile(double p)
    {
        if (_values.Count == 0) return double.NaN;
        if (!_sorted)
        {
            _values.Sort();
            _sorted = true;
        }
        int rank = (int)Math.Ceiling(p / 100 * _values.Count) - 1;
        return _values[Math.Clamp(rank, 0, _values.Count - 1)];
    }

    public double Mean => _values.Count == 0 ? double.NaN : _values.Average();

    public double Max => _values.Count == 0 ? double.NaN : _values.Max();
}
