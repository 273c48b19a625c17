using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// One loaded model: one <see cref="InferenceSession"/> shared by every session of the app, at most
/// <see cref="OnnxModelOptions.MaxConcurrentRuns"/> runs at a time (a caller waits for a free run; the WebRTC pipeline
/// meanwhile replaces its waiting frame, so a busy model drops frames, never queues them). Each concurrent run has its
/// own <see cref="OnnxRunLane"/> of reusable buffers. The model's tensors are checked against the mode at load.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly SemaphoreSlim _gate;
    private readonly Stack<OnnxRunLane> _lanes = new(); // guarded by itself; a ConcurrentStack allocates per push
    private int _active;
    private int _peak;
    private long _runs;

    private OnnxModel(OnnxModelOptions options, InferenceSession session, string executionProvider, OnnxModelSignature signature)
    {
        Options = options;
        Session = session;
        ExecutionProvider = executionProvider;
        Signature = signature;
        Convention = ImageTensorConvention.From(options);
        _gate = new SemaphoreSlim(options.MaxConcurrentRuns, options.MaxConcurrentRuns);
        for (var i = 0; i < options.MaxConcurrentRuns; i++) _lanes.Push(new OnnxRunLane(this));
    }

    public OnnxModelOptions Options { get; }
    internal InferenceSession Session { get; }
    public OnnxModelSignature Signature { get; }
    public ImageTensorConvention Convention { get; }

    /// <summary><c>CPUExecutionProvider</c> or <c>CUDAExecutionProvider</c>: what the session actually uses.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Runs in progress now, the most ever at once, and runs finished.</summary>
    public int ActiveRuns => Volatile.Read(ref _active);
    public int PeakConcurrentRuns => Volatile.Read(ref _peak);
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>
    /// Loads and checks a model. Throws <see cref="OnnxConfigurationException"/> naming the key when the file is
    /// missing or not a model, or when its tensors do not fit the mode and layout.
    /// </summary>
    public static OnnxModel Load(OnnxModelOptions options, ILogger logger)
    {
        var path = Path.GetFullPath(options.Model);
        if (!File.Exists(path)) throw new OnnxConfigurationException(options.Key("Model"), $"file not found: {path}");
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogId = options.Id.ToString(),
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        var provider = ChooseProvider(options, sessionOptions, logger);
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxConfigurationException(options.Key("Model"), $"{path} is not a model ONNX Runtime can load: {e.Message}", e);
        }
        try
        {
            var signature = OnnxModelSignature.Read(session, options);
            logger.LogInformation("ONNX app {App}: {Model} ({Mode}, input {Input} {InputShape}, outputs {Outputs}, {Provider}, " +
                "{Runs} concurrent run(s), {Threads} intra-op thread(s))", options.Id, path, options.Mode, signature.InputName,
                signature.InputShapeText, string.Join(", ", signature.OutputNames), provider, options.MaxConcurrentRuns, options.IntraOpNumThreads);
            return new OnnxModel(options, session, provider, signature);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static string ChooseProvider(OnnxModelOptions options, SessionOptions sessionOptions, ILogger logger)
    {
        const string cpu = "CPUExecutionProvider", cuda = "CUDAExecutionProvider";
        if (options.Device != OnnxDevice.Cuda) return cpu;
        var available = OrtEnv.Instance().GetAvailableProviders();
        if (Array.IndexOf(available, cuda) < 0)
        {
            logger.LogWarning("ONNX app {App}: {Key}=cuda but this ONNX Runtime has no CUDA execution provider (it has {Providers}); " +
                "running on the CPU. Reference Microsoft.ML.OnnxRuntime.Gpu.Linux instead of Microsoft.ML.OnnxRuntime for CUDA.",
                options.Id, options.Key("Device"), string.Join(", ", available));
            return cpu;
        }
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(0);
            return cuda;
        }
        catch (OnnxRuntimeException e)
        {
            logger.LogWarning("ONNX app {App}: the CUDA execution provider failed to start ({Error}); running on the CPU.", options.Id, e.Message);
            return cpu;
        }
    }

    /// <summary>Takes a free run slot and its lane if one is free now; give it back with <see cref="Release"/>.</summary>
    internal bool TryAcquire(out OnnxRunLane lane)
    {
        lane = null!;
        if (!_gate.Wait(0, CancellationToken.None)) return false;
        lane = TakeLane();
        return true;
    }

    /// <summary>Waits for a free run slot and takes its lane; give it back with <see cref="Release"/>.</summary>
    internal async ValueTask<OnnxRunLane> AcquireAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        return TakeLane();
    }

    private OnnxRunLane TakeLane()
    {
        var active = Interlocked.Increment(ref _active);
        int peak;
        while (active > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, active, peak) != peak) { }
        OnnxRunLane? lane;
        lock (_lanes) _lanes.TryPop(out lane);
        if (lane is null)
        {
            Interlocked.Decrement(ref _active);
            _gate.Release();
            throw new InvalidOperationException("no free run lane although the gate let the run in");
        }
        return lane;
    }

    internal void Release(OnnxRunLane lane)
    {
        Interlocked.Increment(ref _runs);
        lock (_lanes) _lanes.Push(lane);
        Interlocked.Decrement(ref _active);
        _gate.Release();
    }

    public void Dispose()
    {
        lock (_lanes)
            while (_lanes.TryPop(out var lane)) lane.Dispose();
        Session.Dispose();
        _gate.Dispose();
    }
}
