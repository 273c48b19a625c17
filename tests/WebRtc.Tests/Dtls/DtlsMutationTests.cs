using WebRtcBridge.WebRtc.Dtls;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

/// <summary>Corrupted and truncated DTLS datagrams never throw out of HandleDatagram (seeded, deterministic mutations).</summary>
[Collection(DtlsCollection.Name)]
public class DtlsMutationTests
{
    private static (List<byte[]> FromClient, List<byte[]> FromServer) CaptureHandshake()
    {
        using var pair = new DtlsPair();
        pair.Handshake();
        Assert.True(pair.BothConnected);
        return (pair.ClientSent, pair.ServerSent);
    }

    private static DtlsTransport NewTransport(DtlsRole role) => new(new DtlsTransportOptions
    {
        Role = role,
        Certificate = role == DtlsRole.Client ? DtlsPair.ClientCertificate : DtlsCertificate.Default,
        RemoteFingerprint = role == DtlsRole.Client ? DtlsCertificate.Default.Fingerprint : DtlsPair.ClientCertificate.Fingerprint,
        AutoTimer = false,
    }, _ => { });

    internal static byte[] Mutate(Random random, byte[] original)
    {
        var d = (byte[])original.Clone();
        switch (random.Next(7))
        {
            case 0: // flip a few bytes anywhere
                for (int i = random.Next(1, 5); i > 0; i--) d[random.Next(d.Length)] ^= (byte)random.Next(1, 256);
                return d;
            case 1: // truncate
                return d.AsSpan(0, random.Next(0, d.Length)).ToArray();
            case 2: // trailing garbage
                var longer = new byte[d.Length + random.Next(1, 40)];
                d.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(d.Length));
                return longer;
            case 3: // wrong record length
                d[11] = (byte)random.Next(256);
                d[12] = (byte)random.Next(256);
                return d;
            case 4: // corrupt the handshake header or payload, keep the record header valid
                if (d.Length > 13) for (int i = random.Next(1, 4); i > 0; i--) d[13 + random.Next(d.Length - 13)] = (byte)random.Next(256);
                return d;
            case 5: // entirely random
                var noise = new byte[random.Next(1, 300)];
                random.NextBytes(noise);
                noise[0] = (byte)random.Next(20, 64);
                return noise;
            default: // epoch / sequence / version damage
                d[random.Next(1, Math.Min(11, d.Length))] ^= (byte)random.Next(1, 256);
                return d;
        }
    }

    [Fact]
    public void CorruptedDatagramsDuringHandshake_NeverThrow_AndAreCounted()
    {
        var (fromClient, fromServer) = CaptureHandshake();
        var random = new Random(20261122);
        long fed = 0, malformed = 0, counted = 0;
        DtlsTransport? server = null, client = null;
        try
        {
            for (int i = 0; i < 3000; i++)
            {
                if (server is null || server.State is DtlsState.Failed or DtlsState.Closed)
                {
                    if (server is not null) { counted += server.DatagramsIn; malformed += server.MalformedDatagrams; server.Dispose(); }
                    server = NewTransport(DtlsRole.Server);
                    server.Start();
                }
                if (client is null || client.State is DtlsState.Failed or DtlsState.Closed)
                {
                    if (client is not null) { counted += client.DatagramsIn; malformed += client.MalformedDatagrams; client.Dispose(); }
                    client = NewTransport(DtlsRole.Client);
                    client.Start();
                }
                server.HandleDatagram(Mutate(random, fromClient[random.Next(fromClient.Count)]));
                client.HandleDatagram(Mutate(random, fromServer[random.Next(fromServer.Count)]));
                fed += 2;
            }
        }
        finally
        {
            counted += server!.DatagramsIn + client!.DatagramsIn;
            malformed += server.MalformedDatagrams + client.MalformedDatagrams;
            server.Dispose();
            client.Dispose();
        }
        Assert.Equal(fed, counted);
        Assert.InRange(malformed, 500, fed - 1); // truncations etc. are caught before OpenSSL, the rest reach it
    }

    [Fact]
    public void CorruptedDatagramsAfterHandshake_NeverThrow_AndPayloadDamageDoesNotBreakTheSession()
    {
        var random = new Random(7714);
        using var pair = new DtlsPair();
        pair.Handshake();
        Assert.True(pair.BothConnected);
        // The server's last datagram is its ChangeCipherSpec + encrypted Finished (epoch 1).
        var encrypted = pair.ServerSent[^1];
        var all = pair.ClientSent.Concat(pair.ServerSent).ToList();

        // 1) Damage only inside encrypted record payloads: the AEAD/MAC check drops them silently.
        for (int i = 0; i < 1000; i++)
        {
            var d = (byte[])encrypted.Clone();
            int firstRecordLength = 13 + (d[11] << 8 | d[12]);
            int at = firstRecordLength + 13 + random.Next(d.Length - firstRecordLength - 13);
            d[at] ^= (byte)random.Next(1, 256);
            pair.Client.HandleDatagram(d);
        }
        pair.Pump();
        Assert.Equal(DtlsState.Connected, pair.Client.State);
        Assert.Equal(DtlsState.Connected, pair.Server.State);

        // 2) Anything else, to both sides; recreate the pair if a mutation ends a session (that is allowed).
        var current = pair;
        var extra = new List<DtlsPair>();
        long fed = 0, counted = 0, malformed = 0;
        try
        {
            for (int i = 0; i < 2000; i++)
            {
                if (!current.BothConnected)
                {
                    counted += current.Client.DatagramsIn + current.Server.DatagramsIn;
                    malformed += current.Client.MalformedDatagrams + current.Server.MalformedDatagrams;
                    current = new DtlsPair();
                    extra.Add(current);
                    current.Handshake();
                    counted -= current.Client.DatagramsIn + current.Server.DatagramsIn; // handshake traffic is not ours
                }
                var target = random.Next(2) == 0 ? current.Client : current.Server;
                target.HandleDatagram(Mutate(random, all[random.Next(all.Count)]));
                fed++;
                current.Pump();
            }
            counted += current.Client.DatagramsIn + current.Server.DatagramsIn;
            malformed += current.Client.MalformedDatagrams + current.Server.MalformedDatagrams;
        }
        finally
        {
            foreach (var p in extra) p.Dispose();
        }
        Assert.True(malformed > 200, $"malformed {malformed}");
        Assert.True(counted >= fed, $"counted {counted} of {fed}"); // plus replies pumped between the pair
    }
}
