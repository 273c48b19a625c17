// The chaos run's network impairments and their evidence, inside the namespaces scripts/chaos-run.sh made:
// random UDP loss with nftables on the server's veth end (both directions), a rate cap with tc tbf on the egress
// of both veth ends (the client's through nsenter), and UDP accounting counters that show the media really crosses
// the veth pair (and so meets the impairments) rather than loopback.
import { execFileSync } from "node:child_process";

const TABLE = "chaos";

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] });
}

export class Impairments {
  /** @param {{serverDev: string, clientDev: string, clientPid: string}} o */
  constructor(o) {
    this.serverDev = o.serverDev;
    this.clientDev = o.clientDev;
    this.clientPid = o.clientPid;
  }

  #nft(script) { return execFileSync("nft", ["-f", "-"], { input: script, encoding: "utf8", timeout: 10_000 }); }
  #tc(client, args) { return client ? run("nsenter", ["-t", this.clientPid, "-n", "--", "tc", ...args]) : run("tc", args); }

  /**
   * Accounting rules (always present, never flushed: their counters only grow) for UDP packets leaving through the
   * server's veth end (server -> browser) and arriving on it (browser -> server), and two empty chains hooked after
   * them (priority 10) for the loss rules.
   */
  install() {
    const d = this.serverDev;
    this.#nft(`table inet ${TABLE} {
  chain out { type filter hook output priority 0; policy accept;
    oifname "${d}" meta l4proto udp counter comment "udp-out"
  }
  chain in { type filter hook input priority 0; policy accept;
    iifname "${d}" meta l4proto udp counter comment "udp-in"
  }
  chain loss_out { type filter hook output priority 10; policy accept;
  }
  chain loss_in { type filter hook input priority 10; policy accept;
  }
}
`);
  }

  /** Drops `percent` % of UDP packets at random in each direction (0: removes the rules). */
  setLoss(percent) {
    const d = this.serverDev;
    const lines = [`flush chain inet ${TABLE} loss_out`, `flush chain inet ${TABLE} loss_in`];
    if (percent > 0) {
      lines.push(`add rule inet ${TABLE} loss_out oifname "${d}" meta l4proto udp numgen random mod 100 < ${percent} counter drop comment "loss-out"`);
      lines.push(`add rule inet ${TABLE} loss_in iifname "${d}" meta l4proto udp numgen random mod 100 < ${percent} counter drop comment "loss-in"`);
    }
    this.#nft(lines.join("\n") + "\n");
  }

  /** Packet counters by rule comment: {"udp-out": n, "udp-in": n, "loss-out": n, "loss-in": n}. */
  counters() {
    const json = JSON.parse(run("nft", ["-j", "list", "table", "inet", TABLE]));
    const out = {};
    for (const item of json.nftables) {
      const rule = item.rule;
      if (!rule?.comment) continue;
      const counter = rule.expr.find((e) => e.counter)?.counter;
      if (counter) out[rule.comment] = counter.packets;
    }
    return out;
  }

  /** A tbf cap of `rate` (tc syntax, e.g. "1mbit") on both veth ends' egress; null removes it. */
  setRate(rate) {
    for (const [client, dev] of [[false, this.serverDev], [true, this.clientDev]]) {
      if (rate) this.#tc(client, ["qdisc", "replace", "dev", dev, "root", "tbf", "rate", rate, "burst", "64kb", "latency", "100ms"]);
      else {
        try { this.#tc(client, ["qdisc", "del", "dev", dev, "root"]); } catch { /* none installed */ }
      }
    }
  }

  /** tbf statistics of both ends ({server, client}: {sentBytes, sentPackets, dropped, overlimits} or null). */
  rateStats() {
    const parse = (text) => {
      if (!/qdisc tbf/.test(text)) return null;
      const m = text.match(/Sent (\d+) bytes (\d+) pkt \(dropped (\d+), overlimits (\d+)/);
      return m ? { sentBytes: +m[1], sentPackets: +m[2], dropped: +m[3], overlimits: +m[4] } : null;
    };
    return {
      server: parse(this.#tc(false, ["-s", "qdisc", "show", "dev", this.serverDev])),
      client: parse(this.#tc(true, ["-s", "qdisc", "show", "dev", this.clientDev])),
    };
  }

  /** Removes everything (the namespaces go away at the end anyway). */
  clear() {
    try { this.setRate(null); } catch { /* best effort */ }
    try { run("nft", ["delete", "table", "inet", TABLE]); } catch { /* not installed */ }
  }
}
