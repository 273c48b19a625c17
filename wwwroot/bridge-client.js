// A small reusable client for WebRtcBridge's /webrtc signaling (docs/protocols.md#webrtc-signaling): it opens the WebSocket,
// waits for {"type":"ready"}, sends the offer, applies the answer, trickles ICE candidates both ways (null = end of
// candidates), forwards live handler parameters ({"type":"params"}) and reports the server's {"type":"stats"}.
// Events: "status" {detail: text}, "track" {detail: MediaStream}, "stats" {detail: object}, "error" {detail: text},
// "closed" {detail: {code, reason}}.

export class BridgeConnection extends EventTarget {
  /** @param {{url: string, token?: string, params?: object, rtcConfig?: RTCConfiguration}} options */
  constructor(options) {
    super();
    this.options = options;
    this.ws = null;
    this.pc = null;
    this.pendingCandidates = [];
  }

  #emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  #send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Connects and streams `stream`'s video track; resolves once the answer is applied. */
  async start(stream) {
    const url = new URL(this.options.url, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : url.protocol === "http:" ? "ws:" : url.protocol;
    if (this.options.token) url.searchParams.set("fal_jwt_token", this.options.token);
    this.#emit("status", "connecting to the server…");
    const ws = (this.ws = new WebSocket(url));
    const ready = new Promise((resolve, reject) => {
      ws.onerror = () => reject(new Error(`cannot reach the server at ${url.host}`));
      ws.onclose = (e) => reject(new Error(`the server closed the connection (${e.code}${e.reason ? ": " + e.reason : ""})`));
      ws.onmessage = (e) => {
        const msg = JSON.parse(e.data);
        if (msg.type === "ready") resolve();
        else if (msg.type === "error" || msg.status === "error") reject(new Error(msg.error ?? "error"));
      };
    });
    await ready;
    ws.onclose = (e) => this.#emit("closed", { code: e.code, reason: e.reason });
    ws.onerror = () => this.#emit("error", "the signaling connection failed");
    ws.onmessage = (e) => this.#onMessage(JSON.parse(e.data));
    if (this.options.params) this.setParams(this.options.params);

    const pc = (this.pc = new RTCPeerConnection(this.options.rtcConfig ?? {}));
    pc.addTransceiver(stream.getVideoTracks()[0], { direction: "sendrecv", streams: [stream] });
    pc.ontrack = (e) => this.#emit("track", e.streams[0] ?? new MediaStream([e.track]));
    pc.onicecandidate = (e) => this.#send({ type: "icecandidate", candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.onconnectionstatechange = () => {
      this.#emit("status", `connection ${pc.connectionState}`);
      if (pc.connectionState === "failed") this.#emit("error", "the WebRTC connection failed (no network path to the server?)");
    };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.#emit("status", "offer sent, waiting for the answer…");
    this.#send({ type: "offer", sdp: offer.sdp });
    this.answered = new Promise((resolve) => (this.resolveAnswered = resolve));
    return this.answered;
  }

  async #onMessage(msg) {
    switch (msg.type) {
      case "answer":
        await this.pc.setRemoteDescription({ type: "answer", sdp: msg.sdp });
        for (const c of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(c);
        this.resolveAnswered?.();
        break;
      case "icecandidate": {
        const c = msg.candidate ?? null;
        if (!this.pc.remoteDescription) this.pendingCandidates.push(c);
        else await this.pc.addIceCandidate(c);
        break;
      }
      case "stats": this.#emit("stats", msg); break;
      case "error": this.#emit("error", msg.error); break;
    }
  }

  /** Changes the handler's parameters live, e.g. {filter: "invert"}. */
  setParams(params) { this.#send({ type: "params", params }); }

  close() {
    this.#send({ type: "close" });
    this.pc?.close();
    this.ws?.close(1000);
    this.pc = null;
    this.ws = null;
  }
}
