import { z } from "zod";
import { listOf } from "./list.js";
import { Condition, LabelSelector, ObjectMeta, ObjectMetaOrEmpty } from "./meta.js";
import {
  Base64,
  Int,
  IntOrString,
  MicroTime,
  QuantityText,
  ResourceList,
  StringMap,
  Time,
} from "./primitives.js";

// ---- references -------------------------------------------------------------------------------

export const ObjectReference = z.strictObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof ObjectReference>;

export const LocalObjectReference = z.strictObject({ name: z.string().optional() });
export type LocalObjectReference = z.infer<typeof LocalObjectReference>;

// ---- containers -------------------------------------------------------------------------------

export const Protocol = z.enum(["TCP", "UDP", "SCTP"]);

export const ContainerPort = z.strictObject({
  name: z.string().optional(),
  hostPort: Int.optional(),
  containerPort: Int,
  protocol: Protocol.optional(),
  hostIP: z.string().optional(),
});
export type ContainerPort = z.infer<typeof ContainerPort>;

export const ObjectFieldSelector = z.strictObject({
  apiVersion: z.string().optional(),
  fieldPath: z.string(),
});

export const ResourceFieldSelector = z.strictObject({
  containerName: z.string().optional(),
  resource: z.string(),
  divisor: QuantityText.optional(),
});

export const KeySelector = z.strictObject({
  name: z.string().optional(),
  key: z.string(),
  optional: z.boolean().optional(),
});

export const EnvVarSource = z.strictObject({
  fieldRef: ObjectFieldSelector.optional(),
  resourceFieldRef: ResourceFieldSelector.optional(),
  configMapKeyRef: KeySelector.optional(),
  secretKeyRef: KeySelector.optional(),
});

export const EnvVar = z.strictObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: EnvVarSource.optional(),
});
export type EnvVar = z.infer<typeof EnvVar>;

const NamedOptionalRef = z.strictObject({ name: z.string().optional(), optional: z.boolean().optional() });

export const EnvFromSource = z.strictObject({
  prefix: z.string().optional(),
  configMapRef: NamedOptionalRef.optional(),
  secretRef: NamedOptionalRef.optional(),
});
export type EnvFromSource = z.infer<typeof EnvFromSource>;

export const ResourceRequirements = z.strictObject({
  limits: ResourceList.optional(),
  requests: ResourceList.optional(),
  claims: z.array(z.strictObject({ name: z.string(), request: z.string().optional() })).optional(),
});
export type ResourceRequirements = z.infer<typeof ResourceRequirements>;

export const VolumeMount = z.strictObject({
  name: z.string(),
  readOnly: z.boolean().optional(),
  recursiveReadOnly: z.enum(["Disabled", "IfPossible", "Enabled"]).optional(),
  mountPath: z.string(),
  subPath: z.string().optional(),
  mountPropagation: z.enum(["None", "HostToContainer", "Bidirectional"]).optional(),
  subPathExpr: z.string().optional(),
});
export type VolumeMount = z.infer<typeof VolumeMount>;

export const ExecAction = z.strictObject({ command: z.array(z.string()).optional() });

export const HTTPGetAction = z.strictObject({
  path: z.string().optional(),
  port: IntOrString,
  host: z.string().optional(),
  scheme: z.enum(["HTTP", "HTTPS"]).optional(),
  httpHeaders: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
});

export const TCPSocketAction = z.strictObject({ port: IntOrString, host: z.string().optional() });

export const GRPCAction = z.strictObject({ port: Int, service: z.string().optional() });

export const Probe = z.strictObject({
  exec: ExecAction.optional(),
  httpGet: HTTPGetAction.optional(),
  tcpSocket: TCPSocketAction.optional(),
  grpc: GRPCAction.optional(),
  initialDelaySeconds: Int.optional(),
  timeoutSeconds: Int.optional(),
  periodSeconds: Int.optional(),
  successThreshold: Int.optional(),
  failureThreshold: Int.optional(),
  terminationGracePeriodSeconds: Int.optional(),
});
export type Probe = z.infer<typeof Probe>;

export const LifecycleHandler = z.strictObject({
  exec: ExecAction.optional(),
  httpGet: HTTPGetAction.optional(),
  tcpSocket: TCPSocketAction.optional(),
  sleep: z.strictObject({ seconds: Int }).optional(),
});

export const Lifecycle = z.strictObject({
  postStart: LifecycleHandler.optional(),
  preStop: LifecycleHandler.optional(),
  stopSignal: z.string().optional(),
});

const SELinuxOptions = z.strictObject({
  user: z.string().optional(),
  role: z.string().optional(),
  type: z.string().optional(),
  level: z.string().optional(),
});

const WindowsSecurityContextOptions = z.strictObject({
  gmsaCredentialSpecName: z.string().optional(),
  gmsaCredentialSpec: z.string().optional(),
  runAsUserName: z.string().optional(),
  hostProcess: z.boolean().optional(),
});

const ProfileRef = z.strictObject({
  type: z.enum(["RuntimeDefault", "Unconfined", "Localhost"]),
  localhostProfile: z.string().optional(),
});

export const SecurityContext = z.strictObject({
  capabilities: z
    .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
    .optional(),
  privileged: z.boolean().optional(),
  seLinuxOptions: SELinuxOptions.optional(),
  windowsOptions: WindowsSecurityContextOptions.optional(),
  runAsUser: Int.optional(),
  runAsGroup: Int.optional(),
  runAsNonRoot: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  procMount: z.enum(["Default", "Unmasked"]).optional(),
  seccompProfile: ProfileRef.optional(),
  appArmorProfile: ProfileRef.optional(),
});
export type SecurityContext = z.infer<typeof SecurityContext>;

export const PullPolicy = z.enum(["Always", "Never", "IfNotPresent"]);

export const Container = z.strictObject({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  ports: z.array(ContainerPort).optional(),
  envFrom: z.array(EnvFromSource).optional(),
  env: z.array(EnvVar).optional(),
  resources: ResourceRequirements.optional(),
  resizePolicy: z
    .array(
      z.strictObject({
        resourceName: z.string(),
        restartPolicy: z.enum(["NotRequired", "RestartContainer"]),
      }),
    )
    .optional(),
  /** Only `Always`, and only on init containers: a sidecar. */
  restartPolicy: z.literal("Always").optional(),
  volumeMounts: z.array(VolumeMount).optional(),
  volumeDevices: z.array(z.strictObject({ name: z.string(), devicePath: z.string() })).optional(),
  livenessProbe: Probe.optional(),
  readinessProbe: Probe.optional(),
  startupProbe: Probe.optional(),
  lifecycle: Lifecycle.optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.enum(["File", "FallbackToLogsOnError"]).optional(),
  imagePullPolicy: PullPolicy.optional(),
  securityContext: SecurityContext.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
});
export type Container = z.infer<typeof Container>;

// ---- volumes ----------------------------------------------------------------------------------

export const KeyToPath = z.strictObject({ key: z.string(), path: z.string(), mode: Int.optional() });

export const ConfigMapVolumeSource = z.strictObject({
  name: z.string().optional(),
  items: z.array(KeyToPath).optional(),
  defaultMode: Int.optional(),
  optional: z.boolean().optional(),
});

export const SecretVolumeSource = z.strictObject({
  secretName: z.string().optional(),
  items: z.array(KeyToPath).optional(),
  defaultMode: Int.optional(),
  optional: z.boolean().optional(),
});

export const DownwardAPIVolumeFile = z.strictObject({
  path: z.string(),
  fieldRef: ObjectFieldSelector.optional(),
  resourceFieldRef: ResourceFieldSelector.optional(),
  mode: Int.optional(),
});

export const DownwardAPIVolumeSource = z.strictObject({
  items: z.array(DownwardAPIVolumeFile).optional(),
  defaultMode: Int.optional(),
});

const ProjectionItems = z.strictObject({
  name: z.string().optional(),
  items: z.array(KeyToPath).optional(),
  optional: z.boolean().optional(),
});

export const VolumeProjection = z.strictObject({
  configMap: ProjectionItems.optional(),
  secret: ProjectionItems.optional(),
  downwardAPI: z.strictObject({ items: z.array(DownwardAPIVolumeFile).optional() }).optional(),
  serviceAccountToken: z
    .strictObject({ audience: z.string().optional(), expirationSeconds: Int.optional(), path: z.string() })
    .optional(),
});

export const Volume = z.strictObject({
  name: z.string(),
  emptyDir: z.strictObject({ medium: z.string().optional(), sizeLimit: QuantityText.optional() }).optional(),
  hostPath: z.strictObject({ path: z.string(), type: z.string().optional() }).optional(),
  configMap: ConfigMapVolumeSource.optional(),
  secret: SecretVolumeSource.optional(),
  persistentVolumeClaim: z
    .strictObject({ claimName: z.string(), readOnly: z.boolean().optional() })
    .optional(),
  projected: z
    .strictObject({ sources: z.array(VolumeProjection).optional(), defaultMode: Int.optional() })
    .optional(),
  downwardAPI: DownwardAPIVolumeSource.optional(),
  nfs: z.strictObject({ server: z.string(), path: z.string(), readOnly: z.boolean().optional() }).optional(),
  csi: z
    .strictObject({
      driver: z.string(),
      readOnly: z.boolean().optional(),
      fsType: z.string().optional(),
      volumeAttributes: StringMap.optional(),
      nodePublishSecretRef: LocalObjectReference.optional(),
    })
    .optional(),
});
export type Volume = z.infer<typeof Volume>;

// ---- scheduling -------------------------------------------------------------------------------

export const NodeSelectorRequirement = z.strictObject({
  key: z.string(),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
  values: z.array(z.string()).optional(),
});
export type NodeSelectorRequirement = z.infer<typeof NodeSelectorRequirement>;

export const NodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(NodeSelectorRequirement).optional(),
  matchFields: z.array(NodeSelectorRequirement).optional(),
});
export type NodeSelectorTerm = z.infer<typeof NodeSelectorTerm>;

export const NodeAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z
    .strictObject({ nodeSelectorTerms: z.array(NodeSelectorTerm) })
    .optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight: Int, preference: NodeSelectorTerm }))
    .optional(),
});

export const PodAffinityTerm = z.strictObject({
  labelSelector: LabelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string(),
  namespaceSelector: LabelSelector.optional(),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});
export type PodAffinityTerm = z.infer<typeof PodAffinityTerm>;

const PodAffinityRules = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(PodAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight: Int, podAffinityTerm: PodAffinityTerm }))
    .optional(),
});

export const Affinity = z.strictObject({
  nodeAffinity: NodeAffinity.optional(),
  podAffinity: PodAffinityRules.optional(),
  podAntiAffinity: PodAffinityRules.optional(),
});
export type Affinity = z.infer<typeof Affinity>;

export const TaintEffect = z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]);

export const Toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: TaintEffect.optional(),
  tolerationSeconds: Int.optional(),
});
export type Toleration = z.infer<typeof Toleration>;

export const TopologySpreadConstraint = z.strictObject({
  maxSkew: Int,
  topologyKey: z.string(),
  whenUnsatisfiable: z.enum(["DoNotSchedule", "ScheduleAnyway"]),
  labelSelector: LabelSelector.optional(),
  minDomains: Int.optional(),
  nodeAffinityPolicy: z.enum(["Honor", "Ignore"]).optional(),
  nodeTaintsPolicy: z.enum(["Honor", "Ignore"]).optional(),
  matchLabelKeys: z.array(z.string()).optional(),
});
export type TopologySpreadConstraint = z.infer<typeof TopologySpreadConstraint>;

// ---- pods -------------------------------------------------------------------------------------

export const PodSecurityContext = z.strictObject({
  seLinuxOptions: SELinuxOptions.optional(),
  windowsOptions: WindowsSecurityContextOptions.optional(),
  runAsUser: Int.optional(),
  runAsGroup: Int.optional(),
  runAsNonRoot: z.boolean().optional(),
  supplementalGroups: z.array(Int).optional(),
  supplementalGroupsPolicy: z.enum(["Merge", "Strict"]).optional(),
  fsGroup: Int.optional(),
  sysctls: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
  fsGroupChangePolicy: z.enum(["OnRootMismatch", "Always"]).optional(),
  seccompProfile: ProfileRef.optional(),
  appArmorProfile: ProfileRef.optional(),
  seLinuxChangePolicy: z.string().optional(),
});
export type PodSecurityContext = z.infer<typeof PodSecurityContext>;

export const RestartPolicy = z.enum(["Always", "OnFailure", "Never"]);
export type RestartPolicy = z.infer<typeof RestartPolicy>;

export const DNSPolicy = z.enum(["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]);

export const PodSpec = z.strictObject({
  volumes: z.array(Volume).optional(),
  initContainers: z.array(Container).optional(),
  containers: z.array(Container),
  restartPolicy: RestartPolicy.optional(),
  terminationGracePeriodSeconds: Int.optional(),
  activeDeadlineSeconds: Int.optional(),
  dnsPolicy: DNSPolicy.optional(),
  nodeSelector: StringMap.optional(),
  serviceAccountName: z.string().optional(),
  /** Deprecated alias of serviceAccountName, still accepted by Kubernetes. */
  serviceAccount: z.string().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  securityContext: PodSecurityContext.optional(),
  imagePullSecrets: z.array(LocalObjectReference).optional(),
  hostname: z.string().optional(),
  subdomain: z.string().optional(),
  affinity: Affinity.optional(),
  schedulerName: z.string().optional(),
  tolerations: z.array(Toleration).optional(),
  hostAliases: z
    .array(z.strictObject({ ip: z.string(), hostnames: z.array(z.string()).optional() }))
    .optional(),
  priorityClassName: z.string().optional(),
  priority: Int.optional(),
  dnsConfig: z
    .strictObject({
      nameservers: z.array(z.string()).optional(),
      searches: z.array(z.string()).optional(),
      options: z
        .array(z.strictObject({ name: z.string().optional(), value: z.string().optional() }))
        .optional(),
    })
    .optional(),
  readinessGates: z.array(z.strictObject({ conditionType: z.string() })).optional(),
  runtimeClassName: z.string().optional(),
  enableServiceLinks: z.boolean().optional(),
  preemptionPolicy: z.enum(["PreemptLowerPriority", "Never"]).optional(),
  overhead: ResourceList.optional(),
  topologySpreadConstraints: z.array(TopologySpreadConstraint).optional(),
  setHostnameAsFQDN: z.boolean().optional(),
  os: z.strictObject({ name: z.string() }).optional(),
  hostUsers: z.boolean().optional(),
  schedulingGates: z.array(z.strictObject({ name: z.string() })).optional(),
});
export type PodSpec = z.infer<typeof PodSpec>;

export const ContainerState = z.strictObject({
  waiting: z.strictObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.strictObject({ startedAt: Time.optional() }).optional(),
  terminated: z
    .strictObject({
      exitCode: Int,
      signal: Int.optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: Time.optional(),
      finishedAt: Time.optional(),
      containerID: z.string().optional(),
    })
    .optional(),
});
export type ContainerState = z.infer<typeof ContainerState>;

export const ContainerStatus = z.strictObject({
  name: z.string(),
  state: ContainerState.optional(),
  lastState: ContainerState.optional(),
  ready: z.boolean(),
  restartCount: Int,
  image: z.string(),
  imageID: z.string(),
  containerID: z.string().optional(),
  started: z.boolean().optional(),
  allocatedResources: ResourceList.optional(),
  resources: ResourceRequirements.optional(),
  volumeMounts: z
    .array(
      z.strictObject({
        name: z.string(),
        mountPath: z.string(),
        readOnly: z.boolean().optional(),
        recursiveReadOnly: z.string().optional(),
      }),
    )
    .optional(),
});
export type ContainerStatus = z.infer<typeof ContainerStatus>;

export const PodCondition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  observedGeneration: Int.optional(),
  lastProbeTime: Time.optional(),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type PodCondition = z.infer<typeof PodCondition>;

export const PodPhase = z.enum(["Pending", "Running", "Succeeded", "Failed", "Unknown"]);
export type PodPhase = z.infer<typeof PodPhase>;

const IPEntry = z.strictObject({ ip: z.string() });

export const PodStatus = z.strictObject({
  observedGeneration: Int.optional(),
  phase: PodPhase.optional(),
  conditions: z.array(PodCondition).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  nominatedNodeName: z.string().optional(),
  hostIP: z.string().optional(),
  hostIPs: z.array(IPEntry).optional(),
  podIP: z.string().optional(),
  podIPs: z.array(IPEntry).optional(),
  startTime: Time.optional(),
  initContainerStatuses: z.array(ContainerStatus).optional(),
  containerStatuses: z.array(ContainerStatus).optional(),
  ephemeralContainerStatuses: z.array(ContainerStatus).optional(),
  qosClass: z.enum(["Guaranteed", "Burstable", "BestEffort"]).optional(),
  resize: z.string().optional(),
});
export type PodStatus = z.infer<typeof PodStatus>;

export const Pod = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Pod"),
  metadata: ObjectMetaOrEmpty,
  spec: PodSpec,
  status: PodStatus.optional(),
});
export type Pod = z.infer<typeof Pod>;
export const PodList = listOf("v1", "PodList", Pod);
export type PodList = z.infer<typeof PodList>;

/** The pod a workload stamps out; shared by ReplicaSets, Deployments, Jobs and CronJobs. */
export const PodTemplateSpec = z.strictObject({
  metadata: ObjectMeta.optional(),
  spec: PodSpec,
});
export type PodTemplateSpec = z.infer<typeof PodTemplateSpec>;

export const Binding = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Binding"),
  metadata: ObjectMetaOrEmpty,
  target: ObjectReference,
});
export type Binding = z.infer<typeof Binding>;

// ---- namespaces -------------------------------------------------------------------------------

export const Namespace = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Namespace"),
  metadata: ObjectMetaOrEmpty,
  spec: z.strictObject({ finalizers: z.array(z.string()).optional() }).optional(),
  status: z
    .strictObject({
      phase: z.enum(["Active", "Terminating"]).optional(),
      conditions: z
        .array(
          z.strictObject({
            type: z.string(),
            status: z.enum(["True", "False", "Unknown"]),
            lastTransitionTime: Time.optional(),
            reason: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type Namespace = z.infer<typeof Namespace>;
export const NamespaceList = listOf("v1", "NamespaceList", Namespace);
export type NamespaceList = z.infer<typeof NamespaceList>;

// ---- nodes ------------------------------------------------------------------------------------

export const Taint = z.strictObject({
  key: z.string(),
  value: z.string().optional(),
  effect: TaintEffect,
  timeAdded: Time.optional(),
});
export type Taint = z.infer<typeof Taint>;

export const NodeCondition = z.strictObject({
  type: z.string(),
  status: z.enum(["True", "False", "Unknown"]),
  lastHeartbeatTime: Time.optional(),
  lastTransitionTime: Time.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type NodeCondition = z.infer<typeof NodeCondition>;

export const NodeAddress = z.strictObject({
  type: z.enum(["Hostname", "InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS"]),
  address: z.string(),
});
export type NodeAddress = z.infer<typeof NodeAddress>;

export const NodeSystemInfo = z.strictObject({
  machineID: z.string(),
  systemUUID: z.string(),
  bootID: z.string(),
  kernelVersion: z.string(),
  osImage: z.string(),
  containerRuntimeVersion: z.string(),
  kubeletVersion: z.string(),
  kubeProxyVersion: z.string().optional(),
  operatingSystem: z.string(),
  architecture: z.string(),
  swap: z.strictObject({ capacity: Int.optional() }).optional(),
});
export type NodeSystemInfo = z.infer<typeof NodeSystemInfo>;

export const NodeSpec = z.strictObject({
  podCIDR: z.string().optional(),
  podCIDRs: z.array(z.string()).optional(),
  providerID: z.string().optional(),
  unschedulable: z.boolean().optional(),
  taints: z.array(Taint).optional(),
  /** Deprecated, still present on nodes registered by old kubelets. */
  externalID: z.string().optional(),
});
export type NodeSpec = z.infer<typeof NodeSpec>;

export const NodeStatus = z.strictObject({
  capacity: ResourceList.optional(),
  allocatable: ResourceList.optional(),
  phase: z.string().optional(),
  conditions: z.array(NodeCondition).optional(),
  addresses: z.array(NodeAddress).optional(),
  daemonEndpoints: z.strictObject({ kubeletEndpoint: z.strictObject({ Port: Int }).optional() }).optional(),
  nodeInfo: NodeSystemInfo.optional(),
  images: z
    .array(z.strictObject({ names: z.array(z.string()).optional(), sizeBytes: Int.optional() }))
    .optional(),
  volumesInUse: z.array(z.string()).optional(),
  volumesAttached: z.array(z.strictObject({ name: z.string(), devicePath: z.string() })).optional(),
  config: z.looseObject({}).optional(),
  runtimeHandlers: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        features: z
          .strictObject({
            recursiveReadOnlyMounts: z.boolean().optional(),
            userNamespaces: z.boolean().optional(),
          })
          .optional(),
      }),
    )
    .optional(),
  features: z.strictObject({ supplementalGroupsPolicy: z.boolean().optional() }).optional(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

export const Node = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Node"),
  metadata: ObjectMetaOrEmpty,
  spec: NodeSpec.optional(),
  status: NodeStatus.optional(),
});
export type Node = z.infer<typeof Node>;
export const NodeList = listOf("v1", "NodeList", Node);
export type NodeList = z.infer<typeof NodeList>;

// ---- services ---------------------------------------------------------------------------------

export const ServicePort = z.strictObject({
  name: z.string().optional(),
  protocol: Protocol.optional(),
  appProtocol: z.string().optional(),
  port: Int,
  targetPort: IntOrString.optional(),
  nodePort: Int.optional(),
});
export type ServicePort = z.infer<typeof ServicePort>;

export const ServiceType = z.enum(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]);
export type ServiceType = z.infer<typeof ServiceType>;

const TrafficPolicy = z.enum(["Cluster", "Local"]);

export const ServiceSpec = z.strictObject({
  ports: z.array(ServicePort).optional(),
  selector: StringMap.optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  type: ServiceType.optional(),
  externalIPs: z.array(z.string()).optional(),
  sessionAffinity: z.enum(["ClientIP", "None"]).optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  externalName: z.string().optional(),
  externalTrafficPolicy: TrafficPolicy.optional(),
  healthCheckNodePort: Int.optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  sessionAffinityConfig: z
    .strictObject({ clientIP: z.strictObject({ timeoutSeconds: Int.optional() }).optional() })
    .optional(),
  ipFamilies: z.array(z.enum(["IPv4", "IPv6"])).optional(),
  ipFamilyPolicy: z.enum(["SingleStack", "PreferDualStack", "RequireDualStack"]).optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  loadBalancerClass: z.string().optional(),
  internalTrafficPolicy: TrafficPolicy.optional(),
  trafficDistribution: z.string().optional(),
});
export type ServiceSpec = z.infer<typeof ServiceSpec>;

export const LoadBalancerIngress = z.strictObject({
  ip: z.string().optional(),
  hostname: z.string().optional(),
  ipMode: z.enum(["VIP", "Proxy"]).optional(),
  ports: z.array(z.strictObject({ port: Int, protocol: Protocol, error: z.string().optional() })).optional(),
});

export const ServiceStatus = z.strictObject({
  loadBalancer: z.strictObject({ ingress: z.array(LoadBalancerIngress).optional() }).optional(),
  conditions: z.array(Condition).optional(),
});

export const Service = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Service"),
  metadata: ObjectMetaOrEmpty,
  spec: ServiceSpec.default(() => ({})),
  status: ServiceStatus.optional(),
});
export type Service = z.infer<typeof Service>;
export const ServiceList = listOf("v1", "ServiceList", Service);
export type ServiceList = z.infer<typeof ServiceList>;

// ---- endpoints --------------------------------------------------------------------------------

export const EndpointAddress = z.strictObject({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: ObjectReference.optional(),
});
export type EndpointAddress = z.infer<typeof EndpointAddress>;

export const EndpointPort = z.strictObject({
  name: z.string().optional(),
  port: Int,
  protocol: Protocol.optional(),
  appProtocol: z.string().optional(),
});
export type EndpointPort = z.infer<typeof EndpointPort>;

export const EndpointSubset = z.strictObject({
  addresses: z.array(EndpointAddress).optional(),
  notReadyAddresses: z.array(EndpointAddress).optional(),
  ports: z.array(EndpointPort).optional(),
});
export type EndpointSubset = z.infer<typeof EndpointSubset>;

export const Endpoints = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Endpoints"),
  metadata: ObjectMetaOrEmpty,
  subsets: z.array(EndpointSubset).optional(),
});
export type Endpoints = z.infer<typeof Endpoints>;
export const EndpointsList = listOf("v1", "EndpointsList", Endpoints);
export type EndpointsList = z.infer<typeof EndpointsList>;

// ---- configuration ----------------------------------------------------------------------------

export const ConfigMap = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("ConfigMap"),
  metadata: ObjectMetaOrEmpty,
  data: StringMap.optional(),
  binaryData: z.record(z.string(), Base64).optional(),
  immutable: z.boolean().optional(),
});
export type ConfigMap = z.infer<typeof ConfigMap>;
export const ConfigMapList = listOf("v1", "ConfigMapList", ConfigMap);
export type ConfigMapList = z.infer<typeof ConfigMapList>;

/** `stringData` is write-only: defaulting folds it into `data`, as Kubernetes' conversion does. */
export const Secret = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Secret"),
  metadata: ObjectMetaOrEmpty,
  data: z.record(z.string(), Base64).optional(),
  stringData: StringMap.optional(),
  type: z.string().optional(),
  immutable: z.boolean().optional(),
});
export type Secret = z.infer<typeof Secret>;
export const SecretList = listOf("v1", "SecretList", Secret);
export type SecretList = z.infer<typeof SecretList>;

// ---- events -----------------------------------------------------------------------------------

export const EventSource = z.strictObject({
  component: z.string().optional(),
  host: z.string().optional(),
});

export const Event = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Event"),
  metadata: ObjectMetaOrEmpty,
  involvedObject: ObjectReference,
  reason: z.string().optional(),
  message: z.string().optional(),
  source: EventSource.optional(),
  firstTimestamp: Time.optional(),
  lastTimestamp: Time.optional(),
  count: Int.optional(),
  type: z.string().optional(),
  eventTime: MicroTime.optional(),
  series: z.strictObject({ count: Int.optional(), lastObservedTime: MicroTime.optional() }).optional(),
  action: z.string().optional(),
  related: ObjectReference.optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
});
export type Event = z.infer<typeof Event>;
export const EventList = listOf("v1", "EventList", Event);
export type EventList = z.infer<typeof EventList>;
