import type { Iptables } from "../src/iptables/iptables.js";
import type { Jump } from "../src/iptables/rules.js";

/** An iptables that records what the proxy asks and keeps the chain names a real one would. */
export class RecordingIptables implements Iptables {
  restores: string[] = [];
  jumps = new Set<string>();
  chains: { nat: Set<string>; filter: Set<string> } = { nat: new Set(), filter: new Set() };
  async restore(input: string): Promise<void> {
    this.restores.push(input);
    let table = "";
    for (const line of input.split("\n")) {
      if (line.startsWith("*")) table = line.slice(1);
      else if (line.startsWith(":")) this.chains[table as "nat"]?.add(line.slice(1).split(" ")[0] as string);
      else if (line.startsWith("-X ")) this.chains[table as "nat"]?.delete(line.slice(3));
    }
  }
  async save(table: "nat" | "filter"): Promise<string> {
    return [
      `*${table}`,
      ":PREROUTING ACCEPT [0:0]",
      ":DOCKER - [0:0]",
      ...[...(this.chains[table] ?? [])].map((c) => `:${c} - [0:0]`),
      "COMMIT",
    ].join("\n");
  }
  async ensureJump(j: Jump): Promise<void> {
    this.jumps.add(JSON.stringify(j));
  }
  async deleteJump(j: Jump): Promise<void> {
    this.jumps.delete(JSON.stringify(j));
  }
}
