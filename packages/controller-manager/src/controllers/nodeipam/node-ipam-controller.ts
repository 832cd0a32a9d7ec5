import { DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK } from "@minik8s/api/pod-network";
import { kindForApiVersion } from "@minik8s/api/registry";
import type { Node } from "@minik8s/api/schemas/core";
import { isInvalid, isNotFound } from "@minik8s/api/status-error";
import type { Client, EventRecorder, Informer, Logger } from "@minik8s/client";
import { QueueController } from "../../controller.js";
import type { SharedInformers } from "../../informers.js";
import { CidrSet } from "./cidr-set.js";

const NODE_KIND = kindForApiVersion("v1", "Node")!;
const FULL_RECHECK_MS = 5_000;

export interface NodeIpamControllerOptions {
  client: Client;
  informers: SharedInformers;
  events: EventRecorder;
  log: Logger;
  /** `--cluster-cidr`; default 10.244.0.0/16. */
  clusterCIDR?: string;
  /** `--node-cidr-mask-size`; default 24. */
  nodeCIDRMaskSize?: number;
}

/**
 * Gives every Node a slice of the cluster CIDR as `spec.podCIDR` (Kubernetes' node IPAM
 * controller with the RangeAllocator). The set of used CIDRs is rebuilt from the Nodes each
 * time the controller starts: the informer's first list marks every CIDR a Node holds before
 * any worker runs, so no CIDR is handed out twice. A deleted Node's CIDR goes back to the pool.
 */
export class NodeIpamController extends QueueController {
  private readonly client: Client;
  private readonly events: EventRecorder;
  private readonly nodes: Informer<Node>;
  private readonly cidrs: CidrSet;
  /** node name -> the CIDR it holds or is being given: what `cidrs` marks, by owner. */
  private readonly held = new Map<string, string>();

  constructor(opts: NodeIpamControllerOptions) {
    super("nodeipam", opts.log);
    this.client = opts.client;
    this.events = opts.events;
    const clusterCIDR = opts.clusterCIDR ?? DEFAULT_CLUSTER_CIDR;
    const cidrs = CidrSet.create(clusterCIDR, opts.nodeCIDRMaskSize ?? DEFAULT_NODE_CIDR_MASK);
    if (cidrs instanceof Error) throw new Error(`node IPAM: ${cidrs.message}`);
    this.cidrs = cidrs;
    this.nodes = opts.informers.for<Node>(NODE_KIND);
    this.nodes.addEventHandler({
      onAdd: (node) => this.observe(node),
      onUpdate: (_old, node) => this.observe(node),
      onDelete: (node) => this.forget(node),
    });
  }

  async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || node.metadata.deletionTimestamp || podCIDROf(node)) return;
    // A CIDR given in an earlier try whose write the cache has not shown yet is given again.
    let cidr = this.held.get(name);
    if (!cidr) {
      cidr = this.cidrs.allocateNext();
      if (!cidr) {
        this.log.warn({ node: name, used: this.cidrs.usedCount }, "no pod CIDR left for node");
        this.events.event(node, "Normal", "CIDRNotAvailable", `Node ${name} status is now: CIDRNotAvailable`);
        // A node deleted later frees one; look again now and then.
        this.queue.addAfter(name, FULL_RECHECK_MS);
        return;
      }
      this.held.set(name, cidr);
    }
    try {
      await this.client.patch(NODE_KIND, undefined, name, "application/merge-patch+json", {
        spec: { podCIDR: cidr, podCIDRs: [cidr] },
      });
      this.log.info({ node: name, podCIDR: cidr }, "assigned pod CIDR to node");
    } catch (err) {
      if (isNotFound(err)) {
        this.release(name);
        return;
      }
      if (isInvalid(err)) {
        // Someone else set it first: what the Node holds wins, our pick goes back.
        this.log.info({ node: name, podCIDR: cidr, err: String(err) }, "node's pod CIDR was set meanwhile");
        this.release(name);
        this.events.event(
          node,
          "Warning",
          "CIDRAssignmentFailed",
          `Node ${name} status is now: CIDRAssignmentFailed`,
        );
      }
      throw err;
    }
  }

  /** Marks what a Node holds as used, or queues it for a CIDR. */
  private observe(node: Node): void {
    const name = node.metadata.name ?? "";
    const cidr = podCIDROf(node);
    if (!cidr) {
      this.enqueue(name);
      return;
    }
    const had = this.held.get(name);
    if (had === cidr) return;
    if (had) this.cidrs.release(had);
    const err = this.cidrs.occupy(cidr);
    if (err) {
      this.log.warn(
        { node: name, podCIDR: cidr, err: err.message },
        "node's pod CIDR lies outside the cluster CIDR; leaving it",
      );
      this.held.delete(name);
      return;
    }
    this.held.set(name, cidr);
  }

  private forget(node: Node): void {
    const name = node.metadata.name ?? "";
    if (this.held.has(name)) {
      this.log.info({ node: name, podCIDR: this.held.get(name) }, "node deleted; released its pod CIDR");
      this.release(name);
    }
  }

  private release(name: string): void {
    const cidr = this.held.get(name);
    if (cidr) this.cidrs.release(cidr);
    this.held.delete(name);
  }
}

function podCIDROf(node: Node): string | undefined {
  return node.spec?.podCIDR || node.spec?.podCIDRs?.[0] || undefined;
}
